// The page's first module (loaded async, with two small imports): it asks for the data of the view in
// the address bar and for the message catalogue at once, while the map libraries and the other modules
// still load and compile; the modes later take the same answers from api.js and i18n.js.

import { prefetchView } from "./api.js";
import { isEmbed } from "./embed.js";
import { chooseLanguage, prefetchLanguage } from "./i18n.js";
import { readUrl } from "./urlstate.js";

const initial = readUrl();
if (isEmbed()) document.documentElement.classList.add("embed"); // before the first paint: no header flashes
prefetchLanguage(chooseLanguage(initial.lang));
prefetchView(initial.mode, initial.expert);
