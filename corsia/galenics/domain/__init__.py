"""The galenic laboratory's pure rules: units and scaling, weighing tolerance, quality
controls, beyond-use date, the label (no Django)."""
