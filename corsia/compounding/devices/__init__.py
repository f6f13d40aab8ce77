"""The compounding robot / smart hood, two-way (corsia/compounding/README.md, "Devices").

- ``adapters``: how the preparation document (``robot.py``, schema
  ``corsia.compounding.robot/1``) reaches a device — the ``DeviceAdapter`` protocol, a
  file-drop adapter (a JSON file written atomically into a configured folder) and an HTTP
  adapter (POSTed to a configured URL). Network and file I/O only: no database.
- ``simulator``: a device that answers a preparation document with a plausible result
  (``corsia.compounding.robot-result/1``), or on request a wrong vial or a bag out of
  tolerance; used by the demo, ``manage.py robot_simulator`` and the tests.

The result comes back through ``POST /api/v1/compounding/preparations/{id}/device-result``
and is recorded by ``services.preparation_device_result_record`` through the hood's own
services (scan rules, ``drug_mass_check``), never past the pharmacist's release.
"""
