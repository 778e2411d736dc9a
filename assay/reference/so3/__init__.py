"""SO(3) ground truth."""
