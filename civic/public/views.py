import datetime as dt
import logging

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from civic.extensions import db

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)
# The domains with a public face, in the order the landing and open-data pages show their cards.
DOMAINS = ("pb", "petitions", "enterprises")


@bp.route("/")
def index():
    return render_template("public/index.html", domains=DOMAINS)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        log.warning("health check: database unreachable", exc_info=True)
        db.session.rollback()
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.route("/open-data")
def open_data():
    return render_template("public/open_data.html", domains=DOMAINS)


@bp.route("/accessibility")
def accessibility():
    """The accessibility statement, as public bodies publish under ПКМУ № 757 of 21.07.2023."""
    from flask import current_app

    cfg = current_app.config
    return render_template(
        "public/accessibility.html",
        checked_on=dt.date.fromisoformat(str(cfg["ACCESSIBILITY_CHECKED_ON"])),
        email=cfg["ACCESSIBILITY_CONTACT_EMAIL"],
        phone=cfg["ACCESSIBILITY_CONTACT_PHONE"],
        address=cfg["COUNCIL_ADDRESS"],
    )


@bp.route("/api/v1/openapi.json")
def openapi():
    from flask import current_app

    from civic.public.openapi import openapi_document

    return jsonify(openapi_document(current_app.config["PUBLIC_BASE_URL"]))
