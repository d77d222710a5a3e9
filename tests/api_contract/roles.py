"""The demo accounts both contract runs act as (test_schemathesis.py in process, test_contract_fuzz.py
over HTTP), and the operations they leave out."""

from common.demo import DEMO_PASSWORD as PASSWORD

# the secrecy office, a department head, an ordinary staff member
ROLES = ("secretary", "head_res", "staff_core")
# these would end the role's own token (logging out everywhere, revoking a token whose id it
# guesses): every later example would only see 401; tests/accounts covers them
EXCLUDED = r"^/api/v1/auth/(logout-everywhere/|tokens/\{id\}/)$"

__all__ = ["EXCLUDED", "PASSWORD", "ROLES"]
