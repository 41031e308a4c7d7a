"""The scoring engine: set-based sources, pure arithmetic methods, and the compile that ties them."""
