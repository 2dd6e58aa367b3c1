"""Look-ups of experts and their profiles, for the services and the pages."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User
from ..core.extensions import db
from ..regions.models import Region
from .models import ExpertProfile


def find_expert(expert_id: int) -> User | None:
    """The expert with this id; None for an unknown id or someone who is not an expert."""
    expert = db.session.get(User, expert_id)
    return expert if expert is not None and expert.is_expert else None


def region_choices(keep: list[Region] = ()) -> list[Region]:
    """The active regions by name, plus inactive ones a profile still has (so they are not lost)."""
    kept = [r.id for r in keep]
    return list(db.session.scalars(
        select(Region).where(or_(Region.active, Region.id.in_(kept))).order_by(Region.name, Region.id)
    ))


def experts_with_profiles(expert_id: int | None = None) -> list[tuple[User, ExpertProfile | None]]:
    """Every expert (or the one with `expert_id`) by name, with the profile, themes and regions."""
    only = [User.id == expert_id] if expert_id is not None else []
    return list(db.session.execute(
        select(User, ExpertProfile)
        .outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
        .options(selectinload(ExpertProfile.themes), selectinload(ExpertProfile.regions))
        .where(User.role == Role.EXPERT, *only)
        .order_by(User.name, User.id)
    ).tuples())
