"""The optics conformance domain: lens laws, composition, checkpoint counts and checkpointed VJPs."""
