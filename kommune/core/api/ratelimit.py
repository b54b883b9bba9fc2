"""The API's rate limit (kommune.core.ratelimit.api_limit) as the API's 429 error, with Retry-After."""

from kommune.core import ratelimit
from kommune.core.api.errors import ApiError


def check_rate(identity: str) -> None:
    """Count one request of ``identity``; raise a 429 ApiError above API_RATE_LIMIT_PER_MINUTE (0: no limit)."""
    verdict = ratelimit.hit(ratelimit.api_limit(), identity)
    if not verdict.allowed:
        raise ApiError(429, "rate_limited", ratelimit.too_many_requests(verdict),
                       headers={"Retry-After": str(verdict.retry_after)})

