"""The attribute form marks what the server would refuse while the person types: the layer
description's constraints become QGIS field constraints (real QGIS, the server's own description)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qgis.core import QgsFeature, QgsFieldConstraints, QgsVectorLayer, QgsVectorLayerUtils
from qgis.gui import QgsAttributeEditorContext, QgsAttributeForm, QgsEditorWidgetWrapper

from qgis_plugin.core.workcopy import WorkingCopy
from qgis_plugin.gui import project
from qgis_plugin.gui.i18n import Translation
from sync_server.domain.layers import LAYERS, Catalogue

CATALOGUE = Catalogue(categories={"kita": "Kinderbetreuung", "beratung": "Beratung"},
                      subcategories={"krippe": ("kita", "Krippe"), "sucht": ("beratung", "Suchtberatung")})
GOOD = {"category": "kita", "subcategory": "krippe", "name": "Kita Sonnenschein", "email": "kita@melle.de",
        "website": "https://melle.de", "age_min": 1, "age_max": 6, "postcode": "49324"}


def institutions_layer(tmp_path: Path) -> tuple[QgsVectorLayer, dict[str, Any]]:
    schema = json.loads(json.dumps({**LAYERS["institutions"].describe(CATALOGUE), "crs": "EPSG:25832"}))
    with WorkingCopy(tmp_path / "familienatlas.gpkg") as wc:
        wc.create_layer(schema)
    layer = QgsVectorLayer(f"{tmp_path / 'familienatlas.gpkg'}|layername=institutions", "Einrichtungen", "ogr")
    assert layer.isValid()
    project.configure_form(layer, schema)
    return layer, schema


def failures(layer: QgsVectorLayer, **values: Any) -> dict[str, list[str]]:
    """Per field, the constraint failures QGIS reports for a feature with ``values``."""
    feature = QgsFeature(layer.fields())
    for name, value in {**GOOD, **values}.items():
        feature[name] = value
    out: dict[str, list[str]] = {}
    for index, field in enumerate(layer.fields()):
        ok, errors = QgsVectorLayerUtils.validateAttribute(
            layer, feature, index, QgsFieldConstraints.ConstraintStrength.ConstraintStrengthSoft)
        if not ok:
            out[field.name()] = errors
    return out


def test_the_form_marks_every_served_constraint(tmp_path: Path, qgis_app: Any) -> None:
    layer, _schema = institutions_layer(tmp_path)
    assert failures(layer) == {}
    assert failures(layer, email="  kita@melle.de ", description=None, age_max=None) == {}
    broken = failures(layer, email="kita at melle.de", website="www.melle.de", age_min=12, age_max=3,
                      postcode="49324-49328", subcategory="sucht", provider="x" * 201)
    assert set(broken) == {"email", "website", "age_max", "postcode", "subcategory", "provider"}
    text = {name: " ".join(errors) for name, errors in broken.items()}
    assert "Eine E-Mail-Adresse wie name@beispiel.de." in text["email"]
    assert "http:// oder https://" in text["website"]
    assert "Nicht kleiner als „Alter von“." in text["age_max"]
    assert "Höchstens 10 Zeichen." in text["postcode"]
    assert "Muss zu „Kategorie“ passen." in text["subcategory"]
    out_of_range = failures(layer, age_min=130, age_max=-1)
    assert set(out_of_range) == {"age_min", "age_max"}
    assert "Erlaubt sind Werte von 0 bis 120." in " ".join(out_of_range["age_min"])
    strength = layer.fields().field("email").constraints().constraintStrength(
        QgsFieldConstraints.Constraint.ConstraintExpression)
    assert strength == QgsFieldConstraints.ConstraintStrength.ConstraintStrengthSoft  # warns, still saves


def test_the_open_form_shows_the_problem_while_typing(tmp_path: Path, qgis_app: Any) -> None:
    layer, _schema = institutions_layer(tmp_path)
    layer.startEditing()
    feature = QgsFeature(layer.fields())
    for name, value in GOOD.items():
        feature[name] = value
    form = QgsAttributeForm(layer, feature, QgsAttributeEditorContext())
    widgets = {w.field().name(): w for w in form.findChildren(QgsEditorWidgetWrapper)}
    email, age_max = widgets["email"], widgets["age_max"]
    assert email.isValidConstraint() and age_max.isValidConstraint()
    form.changeAttribute("email", "kita at melle.de")
    assert not email.isValidConstraint()
    assert "Eine E-Mail-Adresse wie name@beispiel.de." in email.constraintFailureReason()
    form.changeAttribute("age_min", 9)  # the rule on age_max reads age_min: its mark follows
    assert not age_max.isValidConstraint()
    form.changeAttribute("email", "kita@melle.de")
    form.changeAttribute("age_min", 2)
    assert email.isValidConstraint() and age_max.isValidConstraint()
    layer.rollBack()


def test_the_constraint_texts_follow_the_plugin_language(tmp_path: Path, qgis_app: Any) -> None:
    translation = Translation(project.PLUGIN_DIR)
    try:
        assert translation.install("en_US") == "en"
        layer, _schema = institutions_layer(tmp_path)
        text = " ".join(failures(layer, email="nope", age_min=9, age_max=2)["email"])
        assert "An e-mail address such as name@example.org." in text
        assert "Not less than 'Age from'." in " ".join(failures(layer, age_min=9, age_max=2)["age_max"])
    finally:
        translation.remove()
