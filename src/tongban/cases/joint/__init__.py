"""联合审查 (joint review): one meeting, one opinion form, one decision over cases."""
