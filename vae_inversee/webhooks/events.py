"""The events a webhook endpoint can subscribe to (product.md section 14), declared once.

An event is one `declare(...)` here and one `emit(name, obj)` call in the service that makes it happen
(`vae_inversee.webhooks.services.emit`, inside the service's transaction). Its payload is the object
as the API returns it to the receiving organisation: the API registers, for each `resource`, how to
read an object as a given user (`vae_inversee.api.webhooks.payloads`, from `vae_inversee.api.apps`);
this package never imports the API.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    name: str
    resource: str  # the API resource of the payload ("pathway", "funding_file", ...)
    label: str  # French, for the portal's form and the schema


EVENTS: dict[str, Event] = {}
# resource -> reader(viewer, object_id) -> the object as the API returns it to `viewer`, or None outside its scope.
READERS: dict[str, Callable[[object, int], dict | None]] = {}


def declare(name: str, resource: str, label: str) -> Event:
    event = Event(name, resource, label)
    if EVENTS.get(name, event) != event:
        raise ValueError(f"Webhook event declared twice: {name}")
    EVENTS[name] = event
    return event


def register_reader(resource: str, reader: Callable[[object, int], dict | None]) -> None:
    READERS[resource] = reader


def choices() -> list[tuple[str, str]]:
    return [(event.name, event.label) for event in EVENTS.values()]


declare("pathway.transitioned", "pathway", "Un parcours change de phase")
declare("funding_file.decided", "funding_file", "Un OPCO statue sur un dossier de financement")
declare("jury.recorded", "jury", "Un certificateur enregistre un résultat de jury")
declare("project.decided", "project", "Le ministère statue sur un projet")
declare("payment_request.decided", "payment_request", "Un OPCO statue sur une demande de paiement")
