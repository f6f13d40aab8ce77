"""The pure rules of transfusion: ISBT 128 codes, ABO/RhD compatibility, the group on record, the bedside check, states, reactions."""
