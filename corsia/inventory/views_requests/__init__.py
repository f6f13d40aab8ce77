"""The pages of the wards' requests to the pharmacy: the ward's list, new request,
receipt (``ward``); the pharmacy's queue, evaluation, pick, delivery document and every
ward cabinet's stock (``pharmacy``). Thin: the same services and selectors as the API
(``api_requests``), with the same permissions."""
