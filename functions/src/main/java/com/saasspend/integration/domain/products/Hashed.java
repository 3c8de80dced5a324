package com.saasspend.integration.domain.products;

/** An item with the content hash of its canonical form: equal hashes mean nothing to write. */
public record Hashed<T>(T item, String hash) {}
