"""The repository of people who sign in, and the system user."""

from __future__ import annotations

from app.db.models import User
from app.db.repositories.base import Repository


class UserRepository(Repository[User]):
    model = User
