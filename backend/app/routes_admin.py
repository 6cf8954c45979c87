"""`/api/admin/*`: admins only (403 for other users, 401 without a good token)."""

from fastapi import APIRouter, Depends, HTTPException

from .data import batches
from .tokens import current_user
from .users import User

router = APIRouter(prefix="/api/admin")


@router.get("/batches")
def list_batches(page: int = 1, page_size: int = 10, user: User = Depends(current_user)) -> dict:
    """One page of batches. Out-of-range values are clamped (0 means the default), as the app's pager expects."""
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="Admins only")
    size = min(50, max(1, page_size or 10))
    rows = batches()
    pages = max(1, -(-len(rows) // size))
    page = min(pages, max(1, page or 1))
    return {"items": rows[(page - 1) * size : page * size], "page": page, "page_size": size, "total": len(rows), "pages": pages}
