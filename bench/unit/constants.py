"""The unit's tables, sizes, rates and COPY column lists."""

from __future__ import annotations

from decimal import Decimal

UNIT_TRACKED = (
    "compounding_worksession",
    "compounding_preparation",
    "compounding_leftover",
    "compounding_preparationvial",
    "compounding_weighing",
    "compounding_checkout",
    "compounding_exposurerecord",
    "inventory_stocklot",
    "administration_administration",
    "toxicity_toxicityrecord",
)
UNIT_SEQUENCES = UNIT_TRACKED

# Staff, hoods and chairs per scale (the demo users count among them).
UNIT_SIZES: dict[str, dict[str, int]] = {
    "tiny": {"chairs": 6, "nurses": 2, "technicians": 2, "pharmacists": 2, "hoods": 2},
    "S": {"chairs": 15, "nurses": 4, "technicians": 2, "pharmacists": 2, "hoods": 2},
    "M": {"chairs": 40, "nurses": 10, "technicians": 4, "pharmacists": 3, "hoods": 4},
    "L": {"chairs": 60, "nurses": 20, "technicians": 6, "pharmacists": 4, "hoods": 6},
}
BENCH_DENSITY_SOURCE = "Banco di prova: densità assunta 1,0 g/mL (centro sintetico)"
BENCH_ARCHIVE_NOTE = (
    " [Banco di prova: dato mancante completato per il centro sintetico (24 h a 2-8 °C in "
    "sodio cloruro 0,9%), non un dato clinico]"
)

WEIGHING_REDONE = 0.015
ADMIN_INTERRUPTED = 0.012
ADMIN_PARTIAL = 0.013
TOXICITY_PER_CYCLE = 0.35
TOXICITY_SECOND = 0.25
MG = Decimal("0.0001")
ML = Decimal("0.01")
G = Decimal("0.01")

TOXICITY_TERMS: dict[str, int] = {  # CTCAE v5 term -> relative frequency after a cycle
    "Fatigue": 20,
    "Nausea": 18,
    "Neutrophil count decreased": 12,
    "Diarrhea": 9,
    "Anemia": 8,
    "Peripheral sensory neuropathy": 7,
    "Alopecia": 6,
    "Vomiting": 6,
    "Mucositis oral": 5,
    "Constipation": 5,
    "Anorexia": 4,
    "Platelet count decreased": 4,
    "Dysgeusia": 3,
    "Palmar-plantar erythrodysesthesia syndrome": 3,
    "White blood cell decreased": 3,
    "Rash acneiform": 2,
    "Infusion related reaction": 2,
    "Hypertension": 2,
    "Febrile neutropenia": 1,
}
GRADE_WEIGHTS = {1: 62, 2: 31, 3: 6, 4: 1}
ATTRIBUTIONS = (
    ("possible", 40),
    ("probable", 35),
    ("definite", 10),
    ("unlikely", 10),
    ("unrelated", 5),
)
INTERRUPTIONS = (
    "Reazione infusionale: infusione sospesa, medico avvisato",
    "Sospetto stravaso: infusione interrotta, procedura stravasi avviata",
    "Occlusione dell'accesso venoso non risolvibile",
)
PARTIALS = (
    "Paziente con malessere: infusione terminata prima della fine su indicazione medica",
    "Sacca danneggiata alla connessione: parte del volume perso",
)

PREP_COLUMNS = (
    "id, created_at, updated_at, version, scheduled_date, state, state_reason, label_code, "
    "dose_mg, diluent, bag_volume_ml, bag_overfill_ml, volume_to_draw_ml, final_volume_ml, "
    "final_concentration_mg_ml, expiry_at, storage, protect_from_light, warnings, "
    "blocking_reason, planned_vials, started_at, ended_at, validated_at, released_at, "
    "checkout_id, hood_id, order_id, order_item_id, product_id, released_by_id, technician_id, "
    "updated_by_id, validated_by_id, session_id, first_administration_started_at"
)
SESSION_COLUMNS = (
    "id, created_at, updated_at, date, started_at, ended_at, plan, hood_id, pharmacist_id, "
    "technician_id"
)
VIAL_COLUMNS = (
    "id, lot, lot_expiry, mg_drawn, ml_drawn, source, barcode, scanned_at, leftover_id, pack_id, "
    "preparation_id, product_id, scanned_by_id"
)
LEFTOVER_COLUMNS = (
    "id, created_at, updated_at, lot, lot_expiry, concentration_mg_ml, volume_ml, opened_at, "
    "expires_at, storage, protected_from_light, state, hood_id, product_id, from_preparation_id"
)
WEIGHING_COLUMNS = (
    "id, tare_g, measured_g, source, expected_g, deviation_g, deviation_percent, "
    "drug_deviation_percent, tolerance_percent, basis, passed, message, recorded_at, "
    "preparation_id, recorded_by_id"
)
CHECKOUT_COLUMNS = "id, day, delivery_document, checked_out_at, checked_out_by_id, order_id"
EXPOSURE_COLUMNS = "id, started_at, ended_at, ingredient_id, operator_id, hood_id, preparation_id"
LOT_COLUMNS = (
    "id, created_at, updated_at, lot, expiry, quantity, unit_cost, pack_id, product_id, location_id"
)
MOVEMENT_COLUMNS = (
    "kind, lot, expiry, quantity, unit_cost, reference, supplier, document_date, reason, "
    "workstation, at, actor_id, cost_center_id, pack_id, patient_id, product_id, "
    "from_location_id, to_location_id"
)
ADMIN_COLUMNS = (
    "id, created_at, updated_at, version, label_kind, preparation_ref, ingredient_code, "
    "ingredient_name, dose, dose_unit, volume_ml, duration_minutes, rate_ml_h, badge_verified, "
    "started_at, ended_at, state, volume_given_ml, reason, overridden_checks, override_reason, "
    "workstation, ended_by_id, nurse_id, order_id, order_item_id, patient_id, pump_id, "
    "updated_by_id"
)
SCAN_COLUMNS = (
    "kind, raw, outcome, codes, message, workstation, scanned_at, administration_id, nurse_id, "
    "order_item_id, patient_id"
)
TOXICITY_COLUMNS = (
    "id, created_at, updated_at, grade, attribution, onset_date, resolution_date, serious, "
    "notes, order_id, cycle_number, workstation, recorded_at, correction_reason, is_current, "
    "entered_in_error, entered_in_error_reason, entered_in_error_at, entered_in_error_by_id, "
    "patient_id, recorded_by_id, supersedes_id, term_id"
)
