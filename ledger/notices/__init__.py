"""Notices to customers: rendered from templates (`rendering`), delivered by `delivery`."""
