"""``POST /api/v1/warranty/evaluate/``: the 三包 engine for integrators (docs/api.md). The body
is the engine's facts plus ``"policy"`` (a policy key; the default policy when left out)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.errors import InvalidInput

from ..engine import facts
from ..engine.policy import PROBLEMS
from ..services.evaluation import evaluate_facts


class WarrantyOptionSerializer(serializers.Serializer):
    remedy = serializers.ChoiceField(choices=["return", "exchange", "free_repair", "paid_repair"])
    basis = serializers.CharField(help_text="The rule it rests on, e.g. R5 …第九条")
    source = serializers.ChoiceField(choices=["law", "company"])
    deadline = serializers.DateField(allow_null=True, help_text="The last day; null: no limit")
    provisional = serializers.BooleanField(
        default=False,
        help_text="R43: the last day falls in a year whose State Council holiday schedule is "
        "not published yet; it may still move",
    )
    why = serializers.CharField(help_text="The reason in plain Chinese")


class WarrantyRefusalSerializer(serializers.Serializer):
    remedy = serializers.CharField()
    reason = serializers.CharField()
    basis = serializers.CharField()


class WarrantyAnswerSerializer(serializers.Serializer):
    policy = serializers.CharField()
    options = WarrantyOptionSerializer(many=True)
    refused = WarrantyRefusalSerializer(many=True)
    warranty_end = serializers.DateField(allow_null=True)
    warranty_end_provisional = serializers.BooleanField(default=False)
    period = serializers.JSONField(allow_null=True)
    fees = serializers.JSONField()
    notes = serializers.ListField(child=serializers.CharField())


EXAMPLE = {
    "policy": "national",
    "category": "彩色电视机",
    "channel": "offline",
    "purchase_date": "2026-11-20",
    "received_date": "2026-11-20",
    "report_date": "2026-11-25",
    "problem": "quality",
    "prior_repairs": 0,
    "has_invoice_or_card": True,
}


def facts_schema() -> dict:
    """The body as ``engine.facts.read_facts`` reads it: every fact it knows (null is "not
    given"), the four it needs, nothing else; and ``policy``."""
    nullable = {"nullable": True}
    day = {  # facts.FIRST_YEAR to facts.LAST_YEAR
        "type": "string",
        "format": "date",
        "pattern": r"^(200[4-9]|20[1-8]\d|209[0-5])-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
    }
    props = {"policy": {"type": "string", **nullable, "description": "A policy's key."}}
    props |= {key: {**day, **nullable} for key in facts.DATE_KEYS}
    props |= {key: {"type": "boolean", **nullable} for key in facts.BOOL_KEYS}
    props["misrepresented_on"]["description"] = (
        "WAR-5, S5: the day the consumer discovered the goods were misrepresented (false "
        "advertising); with misrepresentation_evidence, a return within 15 working days."
    )
    props["spec_mismatch"]["description"] = (
        "WAR-3, S7: the goods delivered are not of the ordered specification (return or exchange)."
    )
    props |= {
        "category": {"type": "string", "minLength": 1},
        "channel": {"type": "string", "enum": ["online", "offline"]},
        "report_date": day,
        "problem": {"type": "string", "enum": list(PROBLEMS)},
        "prior_repairs": {"type": "integer", "minimum": 0, "maximum": 100, **nullable},
        "failed_part": {"type": "string", **nullable},
        "component": {"type": "string", **nullable},
        "repair_intervals": {
            "type": "array",
            "items": {"type": "array", "items": day, "minItems": 2, "maxItems": 2},
            **nullable,
        },
        "delay_cause": {"type": "string", "enum": list(facts.DELAY_CAUSES), **nullable},
        "no_reason_exception": {"type": "string", "enum": list(facts.EXCEPTIONS), **nullable},
        "agreed_warranty": {
            "type": "object",
            "properties": {
                "months": {"type": "integer", "minimum": 1, "maximum": 600},
                "basis": {"type": "string", "minLength": 1, "maxLength": facts.AGREED_BASIS_MAX},
            },
            "required": ["months", "basis"],
            "additionalProperties": False,
            **nullable,
            "description": "A whole-unit period the company agreed beyond the law (an "
            "order's contract or the catalogue, S5): after the statutory period and until it "
            "ends, a quality fault is repaired free as the company's promise.",
        },
        "price": {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(facts.MAX_PRICE)},
                {"type": "string", "pattern": r"^(\d{1,9}(\.\d+)?|1000000000(\.0+)?)$"},
            ],
            **nullable,
        },
    }
    return {
        "type": "object",
        "properties": props,
        "required": list(facts.REQUIRED),
        "additionalProperties": False,
    }


class WarrantyEvaluateApi(APIView):
    """What the facts entitle the customer to: the remedies offered with the rule, source
    (law or company) and last day of each, the remedies refused and why, the end of the 三包
    period, fees and notes. Unknown fact names or impossible dates answer 400 with
    ``fields`` naming each one."""

    @extend_schema(
        request={"application/json": facts_schema()},
        responses={200: WarrantyAnswerSerializer},
        examples=[OpenApiExample("A TV with a fault five days after the sale", value=EXAMPLE)],
        operation_id="warranty_evaluate",
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise InvalidInput(fields={"facts": [_("Send a JSON object.")]})
        facts = dict(request.data)
        policy = facts.pop("policy", None) or None
        if policy is not None and not isinstance(policy, str):
            raise InvalidInput(fields={"policy": [_("Give the policy's key.")]})
        return Response(evaluate_facts(facts, policy))
