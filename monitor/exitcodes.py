"""The exit codes of every claimwatch command (documented in the README)."""

OK = 0  # done; for `check`: nothing new
NEWS = 1  # `check`: new flags were raised
USAGE = 2  # bad usage, or a config / claims file with mistakes
FAILURE = 3  # every source failed, the store is unusable, or another worker holds it
