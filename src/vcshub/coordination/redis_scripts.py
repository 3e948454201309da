"""The Lua scripts of the Redis backend: each check-and-change is one atomic step on the
server, timed by the server's clock (nodes' clocks may differ; Redis has one).

Conventions: a lease that may be held by several (shared holders of a repository, semaphore
places, bookkeeping marks) is a member of a sorted set scored by its expiry in milliseconds;
an exclusive one (a repository's exclusive holder, a leader) is a string key with a TTL whose
value is the holder's token. Expired members are removed by whoever looks next.
"""

from __future__ import annotations

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# KEYS: exclusive key, shared set. ARGV: token, ttl ms.
SHARED = _NOW + """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
return 1
"""

# KEYS: exclusive key, shared set. ARGV: token, ttl ms.
EXCLUSIVE = _NOW + """
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""

# KEYS: set. ARGV: token, ttl ms, size.
PLACE = _NOW + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1
"""

# KEYS: set. ARGV: token, ttl ms. A member only (an expired one is not brought back).
RENEW_MEMBER = _NOW + """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) <= now then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1
"""

# KEYS: key. ARGV: token, ttl ms.
RENEW_KEY = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS: key. ARGV: token.
RELEASE_KEY = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: set. The members that have not expired.
LIVE = _NOW + """
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
"""

# KEYS: set. ARGV: tokens. 1 when one of them has not expired.
ANY_LIVE = _NOW + """
for i = 1, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) > now then return 1 end
end
return 0
"""
