"""The PFA fields and which of them a draft may change (docs/domain.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    editable: bool = False
    choices: tuple[str, ...] = ()
    description: str = ""


FIELDS: tuple[Field, ...] = (
    Field("pfaId", FieldType.TEXT, description="PEMS business key, unique within an organization"),
    Field("organization", FieldType.TEXT, description="PEMS organization code"),
    Field("description", FieldType.TEXT, description="line description"),
    Field("areaSilo", FieldType.TEXT, description="work area / silo inside the project"),
    Field("category", FieldType.TEXT, description="equipment category (plan)"),
    Field("forecastCategory", FieldType.TEXT, True, description="category the forecast uses"),
    Field("class", FieldType.TEXT, description="equipment class"),
    Field("source", FieldType.TEXT, choices=("Rental", "Purchase"), description="cost basis"),
    Field("dor", FieldType.TEXT, True, ("BEO", "PROJECT"), "who pays: overhead or project"),
    Field("isActualized", FieldType.BOOL, description="equipment is on site and billing"),
    Field("isDiscontinued", FieldType.BOOL, True, description="requirement cancelled"),
    Field("isFundsTransferable", FieldType.BOOL, True, description="budget may move elsewhere"),
    Field("monthlyRate", FieldType.NUMBER, description="rental rate per month"),
    Field("purchasePrice", FieldType.NUMBER, description="purchase price"),
    Field("manufacturer", FieldType.TEXT, description="make"),
    Field("model", FieldType.TEXT, description="model"),
    Field("originalStart", FieldType.DATE, description="plan window start"),
    Field("originalEnd", FieldType.DATE, description="plan window end"),
    Field("forecastStart", FieldType.DATE, True, description="forecast window start"),
    Field("forecastEnd", FieldType.DATE, True, description="forecast window end"),
    Field("actualStart", FieldType.DATE, description="actual window start"),
    Field("actualEnd", FieldType.DATE, True, description="actual window end (later only)"),
    Field("contract", FieldType.TEXT, description="contract reference"),
    Field("equipment", FieldType.TEXT, True, description="asset tag of the machine assigned"),
)

FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
EDITABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.editable)

# Derived fields added to every record served (never stored in PEMS, never editable).
DERIVED_FIELDS: tuple[str, ...] = (
    "hasPlan",
    "hasActuals",
    "planCost",
    "forecastCost",
    "actualCost",
)

# (start, end) pairs of the three windows.
WINDOWS: dict[str, tuple[str, str]] = {
    "plan": ("originalStart", "originalEnd"),
    "forecast": ("forecastStart", "forecastEnd"),
    "actual": ("actualStart", "actualEnd"),
}

MAX_TEXT_LENGTH = 200
