"""What pre-owned inventory announces to the apps built on dealers (parts), so it never imports them."""

from django.dispatch import Signal

# Units were held from sale or released, inside the writing transaction.
# Arguments: ``vins``, the VINs whose hold changed, or None after a re-check of every unit.
stop_sale_changed = Signal()
