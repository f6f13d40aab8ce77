"""Vial assignment for a compounding session: which vials to open, which leftovers to use.

**Objective** (per product family, lexicographic):

1. the *cost of waste plus handling*: ``waste cost + handling × vials opened`` (see below);
2. fewer vials opened;
3. fewer mg wasted (discarded);
then, among plans equal on all three, the older open content is drawn first.

A hospital pharmacy assigns vials to spend the least on drug it throws away, with few
vials (each one is handling time, disposables and operator exposure). Minimising vials
first is wrong: a single 1,200 mg 5-FU dose would get one 5,000 mg vial (3,800 mg thrown
away) instead of 1,000 + 250 mg (50 mg).

**Waste and its cost.** At the end of the session the content left in the vials it opened,
and in the open leftovers it was offered and could have used (a leftover whose expiry
comes before every dose of the session is not counted), is either

- *carried over*: the unit keeps leftovers (``VialPolicy.keep_leftovers``) and the content
  is still within its opened stability when the next session starts (``next_session_at``):
  a later session may use it, so it is not waste; or
- *wasted*: everything else (no later session given, or it expires before it).

``waste cost = surcharge + p × mg wasted`` where ``p`` is the family's best price per mg
(the lowest ``price / strength`` among its vials) and ``surcharge = Σ price of the opened
vials − p × their content`` (what smaller, dearer-per-mg vials cost beyond the drug they
hold; 0 when prices are linear). It is in EUR when every vial of the family has a price;
otherwise in mg (``p = 1``, no surcharge): the mg proxy. Equivalently (the drug given is
fixed), the planner minimises the spend on new vials minus the value of what it carries
over.

**Carried-over content in the objective.** Content still usable at the next session may
or may not be used then; the objective counts it at ``1 − carry_over_credit`` of its value
(``VialPolicy``, default 0.5): opening a larger vial *because* a later session might use
the rest is worth only half of what it would save if it were certainly used. Reports show
wasted and carried-over mg separately; ``objective = waste cost + (1 − credit) ×
p × mg carried over + handling × vials``.

**Handling penalty** (``VialPolicy``): ``handling_eur`` (default 3.00 EUR) for families with
prices — about two minutes of a technician at the hood (≈ 1 EUR) plus a spike or vial
adaptor and swabs (≈ 2 EUR); a unit using closed-system transfer devices raises it to the
adaptor's price. For a family without prices, ``handling_share_of_smallest_vial`` (default
0.2) of its smallest vial's mg: one more vial is worth avoiding a fifth of a small vial
thrown away (oxaliplatin 50/100/200 mg: 10 mg, which at 0.30 EUR/mg is the same 3 EUR).

Rules (invariants every plan keeps, checked by property tests):
- a dose draws only from its own product family (interchangeable content; see
  ``product.may_share``); families are planned independently;
- a leftover serves a dose only if the dose is prepared strictly before the leftover's
  expiry; a vial opened in the session serves only doses prepared within its opened
  stability counted from its first use (a family without documented opened stability:
  one vial, one dose);
- every dose is fully covered (drawn in 0.1 mg units, rounded up), no source gives more
  than it holds; the number of vials is never below the reported lower bound.

The package, by concern:

- ``inputs``: what a plan is asked for (doses, vial sizes, open content, the unit's
  ``VialPolicy``), the 0.1 mg units, and the checks on them;
- ``plan``: what a plan is (``VialPlan``, ``FamilyPlan``, draws and opened vials);
- ``costs``: a family's costs in the solver's integer units and the best vials for one dose;
- ``family``: one family's planning problem (stability windows, batches, leftovers
  usable per dose), its lower bound, and the exact figures of a plan for it;
- ``greedy``: the FEFO-then-best-combination plan, also used for one dose added to a
  running session (``assign_dose``);
- ``cp_sat``: the CP-SAT model and its staged solve;
- ``planner``: ``plan_vials``, the greedy and CP-SAT plans of each family compared.
"""
