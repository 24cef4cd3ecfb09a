"""``{% parts_stock_panel %}``: the parts manager's home — each kit's figures at their dealer
and the shipments to receive, so the day starts with what to act on (two queries)."""

from django import template

from parts import stock_selectors

register = template.Library()


@register.inclusion_tag("parts/stock/_home_panel.html", takes_context=True)
def parts_stock_panel(context) -> dict:
    user = context["request"].user
    dealer = stock_selectors.stock_keeping_dealers(user=user, perm=stock_selectors.RECEIVE).first()
    if dealer is None:
        return {"dealer": None}
    return {
        "dealer": dealer,
        "may_receive": True,  # the dealer is one where the user's own role receives stock
        "lines": [
            line for line in stock_selectors.stock_lines(dealer=dealer) if line.campaign.phase != "closed"
        ],
        "shipments": list(stock_selectors.open_shipments(dealer_id=dealer.pk)[:5]),
    }
