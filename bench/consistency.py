"""Is the synthetic centre a consistent hospital? Each check counts the rows that break it.

    python -m bench.consistency        # DATABASE_URL: a bench database

prints ``{"violations": {...}, "figures": {...}}``; every violation count must be 0. The
figures (shares per state, grades, failures) are for the reader and the smoke test's
plausibility bounds. The access-log chain is verified by the platform's own
``corsia.audit.selectors.chain_reports`` in the test.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import psycopg

VIOLATIONS: dict[str, str] = {
    # the stock never goes below zero, lot by lot, at any moment of its history
    "stock_negative_at_some_moment": """
        SELECT count(*) FROM (
          SELECT sum(CASE WHEN to_location_id IS NOT NULL THEN quantity ELSE -quantity END)
                 OVER (PARTITION BY product_id, lot ORDER BY at, id) AS level
          FROM inventory_stockmovement) m WHERE level < 0""",
    # what the lots hold today is what their movements add up to
    "stock_lot_differs_from_its_movements": """
        SELECT count(*) FROM inventory_stocklot l WHERE l.quantity <> (
          SELECT coalesce(sum(CASE WHEN m.to_location_id = l.location_id THEN m.quantity
                                   ELSE -m.quantity END), 0)
          FROM inventory_stockmovement m WHERE m.product_id = l.product_id AND m.lot = l.lot
            AND l.location_id IN (m.to_location_id, m.from_location_id))""",
    # every new vial of a released preparation was unloaded from the stock, and only those
    "released_vial_not_unloaded": """
        SELECT abs((SELECT count(*) FROM compounding_preparationvial v
                    JOIN compounding_preparation p ON p.id = v.preparation_id
                    WHERE v.source = 'new' AND p.state IN ('released', 'checked_out'))
                 - (SELECT count(*) FROM inventory_stockmovement WHERE kind = 'unload'
                    AND reference LIKE 'preparation:%%'))""",
    # every pharmacy line of an administered order has a checked-out preparation
    # (unless the archive cannot compound it: pending, with the reason)
    "administered_line_without_checked_out_preparation": """
        SELECT count(*) FROM prescribing_orderitem i
        JOIN prescribing_therapyorder o ON o.id = i.order_id
        WHERE o.state = 'administered' AND i.competence = 'pharmacy' AND i.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM compounding_preparation p WHERE p.order_item_id = i.id
                          AND (p.state = 'checked_out'
                               OR (p.state = 'pending' AND p.blocking_reason <> '')))""",
    # a preparation is released only after a weighing within tolerance (its last one)
    "released_without_passed_last_weighing": """
        SELECT count(*) FROM compounding_preparation p
        WHERE p.state IN ('released', 'checked_out') AND NOT coalesce((
          SELECT w.passed FROM compounding_weighing w WHERE w.preparation_id = p.id
          ORDER BY w.recorded_at DESC, w.id DESC LIMIT 1), false)""",
    # the vials drawn make the dose (to 0.001 mg)
    "weighed_preparation_dose_not_drawn": """
        SELECT count(*) FROM compounding_preparation p
        WHERE p.state IN ('released', 'checked_out') AND abs(p.dose_mg - (
          SELECT coalesce(sum(v.mg_drawn), 0) FROM compounding_preparationvial v
          WHERE v.preparation_id = p.id)) > 0.001""",
    # a leftover is drawn only while stable, and never below empty
    "leftover_drawn_after_expiry": """
        SELECT count(*) FROM compounding_preparationvial v
        JOIN compounding_leftover l ON l.id = v.leftover_id WHERE v.scanned_at >= l.expires_at""",
    # a preparation's state fits its order's: none made before the order was taken in
    # charge, none left unmade on a past day of an administered order
    "preparation_state_against_order_state": """
        SELECT count(*) FROM compounding_preparation p
        JOIN prescribing_therapyorder o ON o.id = p.order_id
        WHERE (o.state = 'taken_in_charge' AND p.state IN ('in_progress', 'released',
                                                           'checked_out'))
           OR (o.state = 'administered' AND p.state NOT IN ('checked_out', 'pending'))
           OR o.state IN ('draft', 'confirmed', 'sent_to_pharmacy', 'validated', 'cancelled')""",
    # administrations: only of orders delivered or administered, after the bag left the UFA
    "administration_before_checkout": """
        SELECT count(*) FROM administration_administration a
        JOIN compounding_preparation p ON a.label_kind = 'PRP' AND p.label_code = a.preparation_ref
        JOIN compounding_checkout c ON c.id = p.checkout_id WHERE a.started_at < c.checked_out_at""",
    # a preparation keeps the first start of its administrations (the timing report's)
    "preparation_first_start_not_the_first": """
        SELECT count(*) FROM compounding_preparation p
        LEFT JOIN (SELECT preparation_ref, min(started_at) AS first
                   FROM administration_administration GROUP BY preparation_ref) a
               ON a.preparation_ref = p.label_code
        WHERE p.first_administration_started_at IS DISTINCT FROM a.first""",
    "administration_of_an_order_not_delivered": """
        SELECT count(*) FROM administration_administration a
        JOIN prescribing_therapyorder o ON o.id = a.order_id
        WHERE o.state NOT IN ('delivered', 'administered')""",
    # a toxicity grade the CTCAE term defines
    "toxicity_grade_not_defined_by_term": """
        SELECT count(*) FROM toxicity_toxicityrecord r JOIN toxicity_ctcaeterm t ON t.id = r.term_id
        WHERE (ARRAY[t.grade_1, t.grade_2, t.grade_3, t.grade_4, t.grade_5])[r.grade] = ''""",
}

FIGURES: dict[str, str] = {
    "orders": "SELECT count(*) FROM prescribing_therapyorder",
    "administered_share": """SELECT round(avg((state = 'administered')::int), 3)
                             FROM prescribing_therapyorder""",
    "preparations": "SELECT count(*) FROM compounding_preparation",
    "preparations_pending_share": """SELECT round(avg((state = 'pending')::int), 4)
                                     FROM compounding_preparation""",
    "weighings_failed_share": "SELECT round(avg((NOT passed)::int), 4) FROM compounding_weighing",
    "vials_per_preparation": """SELECT round(count(*)::numeric / nullif((SELECT count(DISTINCT
        preparation_id) FROM compounding_preparationvial), 0), 2) FROM compounding_preparationvial""",
    "leftover_draw_share": """SELECT round(avg((source = 'leftover')::int), 4)
                              FROM compounding_preparationvial""",
    "administrations": "SELECT count(*) FROM administration_administration",
    "administrations_not_completed_share": """SELECT round(avg((state IN ('interrupted',
        'partial'))::int), 4) FROM administration_administration WHERE state <> 'started'""",
    "toxicities": "SELECT count(*) FROM toxicity_toxicityrecord",
    "toxicity_grade_3_4_share": """SELECT round(avg((grade >= 3)::int), 4)
                                   FROM toxicity_toxicityrecord""",
    "stock_units_today": "SELECT coalesce(sum(quantity), 0) FROM inventory_stocklot",
    "stock_movements": "SELECT count(*) FROM inventory_stockmovement",
    "access_log": "SELECT count(*) FROM audit_accesslogentry",
}


def centre_consistency(database_url: str) -> dict[str, dict[str, Any]]:
    with psycopg.connect(database_url, autocommit=True) as conn:

        def one(sql: str) -> Any:
            row = conn.execute(sql).fetchone()
            return row[0] if row else None

        violations = {name: int(one(sql)) for name, sql in VIOLATIONS.items()}
        figures = {
            name: (float(v) if v is not None and not isinstance(v, int) else v)
            for name, sql in FIGURES.items()
            for v in [one(sql)]
        }
    return {"violations": violations, "figures": figures}


def main() -> int:
    result = centre_consistency(os.environ["DATABASE_URL"])
    sys.stdout.write(json.dumps(result, indent=1) + "\n")
    return 0 if not any(result["violations"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
