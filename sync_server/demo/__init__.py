"""Demo data for the Familienatlas: synthetic but plausible content for trying the atlas out."""
