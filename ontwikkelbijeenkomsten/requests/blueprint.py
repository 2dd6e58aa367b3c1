from flask import Blueprint

bp = Blueprint("requests", __name__)
