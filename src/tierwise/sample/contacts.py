"""The demo's contacts, as a CRM's contact list holds them.

A champion is a contact with the role Champion; an executive sponsor is an
engaged C-level or VP contact with the role Executive Sponsor; executive
access without a sponsor is an engaged VP decision maker. Other contacts
(users, evaluators, influencers) never hold those roles, and an account
without executive access has no engaged executive, so the default model's
``signals:`` section rolls the list up into the relationship values drawn
for each account. Contacts carry made-up ids and e-mail addresses only.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["contact_rows"]

EXECUTIVE_LEVELS = ("C-Level", "VP")
OTHER_CONTACTS = (
    ("Staff", "End User", "Marketing Operations Analyst"),
    ("Manager", "Influencer", "Marketing Manager"),
    ("Director", "Technical Evaluator", "Director of IT Architecture"),
    ("", "End User", "Sales Operations Manager"),
    ("Staff", "", "Solutions Engineer"),
)
OTHER_CONTACTS_MEAN = (0.8, 2.0, 3.5)
COLUMNS = {
    "contact_id": pa.string(),
    "account_id": pa.string(),
    "email": pa.string(),
    "title": pa.string(),
    "seniority": pa.string(),
    "role": pa.string(),
    "engagement": pa.float64(),
}


def contact_rows(rng: np.random.Generator, portfolio: pa.Table) -> pa.Table:
    """The contacts of ``portfolio``'s accounts, drawn from ``rng``."""
    ids = portfolio.column("account_id").to_pylist()
    domains = portfolio.column("domain").to_pylist()
    champion = portfolio.column("champion_identified").to_pylist()
    sponsor = portfolio.column("exec_sponsor").to_pylist()
    access = portfolio.column("exec_access").to_pylist()
    strength = portfolio.column("relationship_strength").to_pylist()
    levels = {"none": 0, "some": 1, "strong": 2}

    rows: list[tuple[str, str, str, str, str, str, float | None]] = []

    def add(
        index: int, seniority: str, role: str, title: str, engagement: float | None
    ) -> None:
        contact = f"C{len(rows) + 1:07d}"
        email = f"contact.{contact.lower()}@{domains[index] or 'example.com'}"
        rows.append((contact, ids[index], email, title, seniority, role, engagement))

    for index in range(len(ids)):
        if champion[index]:
            level = ("Director", "Manager")[int(rng.integers(0, 2))]
            add(
                index,
                level,
                "Champion",
                f"{level} of Marketing",
                float(rng.integers(0, 6)),
            )
        if sponsor[index]:
            level = EXECUTIVE_LEVELS[int(rng.integers(0, 2))]
            title = "Chief Revenue Officer" if level == "C-Level" else "VP Sales"
            add(index, level, "Executive Sponsor", title, float(rng.integers(1, 9)))
        elif access[index]:
            add(
                index, "VP", "Decision Maker", "VP Marketing", float(rng.integers(1, 6))
            )

        mean = OTHER_CONTACTS_MEAN[levels.get(strength[index] or "none", 0)]
        for _ in range(int(rng.poisson(mean))):
            seniority, role, title = OTHER_CONTACTS[
                int(rng.integers(0, len(OTHER_CONTACTS)))
            ]
            engagement = None if rng.random() < 0.2 else float(rng.integers(0, 5))
            add(index, seniority, role, title, engagement)
        if not access[index] and rng.random() < 0.3:
            # An executive on file who has not engaged gives no access.
            add(index, "VP", "", "VP Finance", float(rng.choice([0.0, 0.5])))

    return pa.table(
        {
            name: pa.array([row[position] for row in rows], kind)
            for position, (name, kind) in enumerate(COLUMNS.items())
        }
    )
