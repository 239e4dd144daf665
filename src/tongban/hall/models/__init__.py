"""The hall's tables: the queue (halls, categories, windows, devices, tickets, events) and
appointments."""

from tongban.hall.models.appointments import Appointment, AppointmentSlot
from tongban.hall.models.printing import KioskPrinter, PrintJob
from tongban.hall.models.queue import (
    Hall,
    HallDevice,
    HallEvent,
    QueueCategory,
    Ticket,
    TicketCase,
    TicketCounter,
    Window,
    WindowSession,
)

__all__ = [
    "Appointment",
    "AppointmentSlot",
    "Hall",
    "HallDevice",
    "HallEvent",
    "KioskPrinter",
    "PrintJob",
    "QueueCategory",
    "Ticket",
    "TicketCase",
    "TicketCounter",
    "Window",
    "WindowSession",
]
