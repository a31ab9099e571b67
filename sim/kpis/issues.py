"""Issue-level KPIs: first-contact resolution, contacts per issue, issues never resolved.

An issue is what a customer contacts about; it opens with its first contact (after the warm-up)
and may take redials, repeat contacts or returns from the bot. FCR = issues resolved at their first
contact (by the bot or an agent) / issues.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.log import (
    ISSUE_ABANDONED,
    ISSUE_OPEN,
    ISSUE_RESOLVED,
    ISSUE_UNRESOLVED,
    ContactLog,
)
from sim.model import Model


def issue_kpis(log: ContactLog, model: Model) -> pd.DataFrame:
    """Per (dimension, key): issues, their final states, FCR and contacts per issue."""
    n_issues = len(log.issue_status)
    first_arrival = log.arrival_s[:n_issues]
    keep = (first_arrival >= model.warmup_s) & (first_arrival < model.measure_end_s)
    status = log.issue_status[keep]
    contacts = log.issue_contacts[keep].astype(float)
    frame = pd.DataFrame(
        {
            "issues": 1.0,
            "issues_resolved": status == ISSUE_RESOLVED,
            "issues_unresolved": status == ISSUE_UNRESOLVED,
            "issues_abandoned": status == ISSUE_ABANDONED,
            "issues_open": status == ISSUE_OPEN,
            "first_contact_resolutions": (status == ISSUE_RESOLVED) & (contacts == 1),
            "issue_contacts": contacts,
            "resolved_issue_contacts": np.where(status == ISSUE_RESOLVED, contacts, 0.0),
        }
    ).astype(float)
    names = np.asarray(model.type_names, dtype=object)[log.type_idx[:n_issues][keep]]
    sums = pd.concat(
        {
            "overall": frame.sum().to_frame("all").T,  # present even with no issues
            "queue": frame.groupby(names).sum(),
        },
        names=["dimension", "key"],
    )
    out = sums[["issues", "issues_resolved", "issues_unresolved", "issues_abandoned",
                "issues_open"]].copy()  # fmt: skip
    with np.errstate(invalid="ignore", divide="ignore"):
        out["fcr"] = sums["first_contact_resolutions"] / sums["issues"]
        out["contacts_per_issue"] = sums["issue_contacts"] / sums["issues"]
        out["contacts_per_resolved_issue"] = (
            sums["resolved_issue_contacts"] / sums["issues_resolved"]
        )
        out["unresolved_share"] = 1.0 - sums["issues_resolved"] / sums["issues"]
    return out.replace([np.inf, -np.inf], np.nan)
