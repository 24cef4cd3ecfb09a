"""What repairs announces to the apps built on it (parts), so it never imports them.

Each signal is sent inside the writing transaction, after the change and its history row: a
receiver that raises a ``DomainError`` refuses the whole change (nothing is half-written).
"""

from django.dispatch import Signal

# An appointment was booked, rescheduled, cancelled or marked a no-show.
# Arguments: ``appointment``, ``action`` (one of APPOINTMENT_ACTIONS), ``user``.
appointment_changed = Signal()
APPOINTMENT_ACTIONS = ("booked", "rescheduled", "cancelled", "no_show")

# A repair order was completed: the remedy is done and its parts were used.
# Arguments: ``repair_order``, ``user``.
repair_order_completed = Signal()

# A VIN's campaign entry moved (remedied, remedied elsewhere, not needed, unreachable, undone).
# Arguments: ``entry`` (the AffectedVehicle, with its new status), ``change`` (the OutcomeChange), ``user``.
outcome_recorded = Signal()

# The warranty administrator decided an owner's reimbursement request (approved, denied, or
# more information asked), after the request's status and its ReimbursementEvent row.
# Arguments: ``request`` (the ReimbursementRequest), ``event`` (the ReimbursementEvent), ``user``.
reimbursement_decided = Signal()
