"""Plausible B2B customer names and accounts-payable contacts, from word lists.

A name is a distinctive word, a line of business and a legal form usual in the
customer's country ("Kestrel Freight Ltd", "Meridian Optics GmbH"), so a demo
reads like a real ledger without naming any real company.
"""

from __future__ import annotations

import re
from random import Random

DISTINCTIVE = (
    "Northwind Bluebird Cedar Summit Harbor Ironclad Silverline Granite Maple Evergreen "
    "Falcon Pioneer Beacon Redwood Atlas Kestrel Meridian Orchard Lakeside Copperfield "
    "Highgate Brightwater Stonebridge Riverbend Westfield Aurora Halcyon Juniper Sterling "
    "Oakridge Bramble Foxglove Larkspur Windmill Anchor Compass Keystone Lighthouse Blackstone "
    "Greenleaf Clearwater Ridgeway Sunrise Pinecrest Harrow Thistle Vantage Zenith Crescent "
    "Alder Birchwood Cobalt Driftwood Emberly Fairhaven Glenmore Hawthorn Ivory Kingsley"
).split()

TRADES = (
    "Logistics|Analytics|Foods|Packaging|Robotics|Medical Supply|Textiles|Software|Engineering|"
    "Freight|Dental Labs|Printing|Components|Energy|Hospitality Group|Construction|Plastics|"
    "Pharma|Outfitters|Systems|Instruments|Marine|Biotech|Furniture|Beverages|Paper Co|"
    "Industrial Supply|Security|Telecom|Aerospace Parts|Labs|Optics|Cold Chain|Workwear"
).split("|")

FIRST_NAMES = (
    "Dana Morgan Alex Priya Tomasz Hannah Kenji Sofia Lukas Amelia Oliver Chloe Mateo Yuki "
    "Grace Henrik Aisha Daniel Emma Ravi Claire Noah Ingrid Samuel Mei Jonas Laura Omar"
).split()

LAST_NAMES = (
    "Whitfield Novak Tanaka Okafor Fischer Bennett Moreau Lindqvist Patel Sullivan Schmidt "
    "Yamamoto Carter Rossi Hughes Kowalski Nakamura Brennan Weber Dubois Ahmed Foster Koch"
).split()


def company_name(rng: Random, legal_forms: tuple[str, ...], taken: set[str]) -> str:
    """A name not in ``taken`` (which it joins), so every account is told apart by name."""
    for attempt in range(100):
        name = f"{rng.choice(DISTINCTIVE)} {rng.choice(TRADES)} {rng.choice(legal_forms)}"
        if attempt >= 50:
            name = f"{rng.choice(DISTINCTIVE)} {name}"
        if name not in taken:
            taken.add(name)
            return name
    name = f"{name} ({len(taken) + 1})"
    taken.add(name)
    return name


def payables_contact(rng: Random, company: str, phone_prefix: str) -> dict[str, str]:
    domain = re.sub(r"[^a-z]+", "-", company.lower()).strip("-")
    return {
        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "email": f"accounts.payable@{domain}.example",
        "phone": f"{phone_prefix} 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
    }
