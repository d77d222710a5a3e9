"""What a signer types to sign: the password, carrying the one-time code typed with it."""


class SigningSecret(str):
    """The password typed to sign, carrying the one-time code typed with it (empty if none).
    The API and the forms make it; services pass it on to audit's reauthenticate() untouched."""

    otp: str = ""

    def __new__(cls, password: str, otp: str = ""):
        secret = super().__new__(cls, password)
        secret.otp = (otp or "").strip()
        return secret
