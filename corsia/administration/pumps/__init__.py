"""Networked infusion pumps: IHE PCD messages over MLLP, the inbound gateway, the use cases
(register, programme, receive status and alarms), the live dashboard, and a simulator.

Kept free of imports: ``python -m corsia.administration.pumps.simulator`` runs without
Django."""
