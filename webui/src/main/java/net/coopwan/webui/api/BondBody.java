package net.coopwan.webui.api;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON of {@code POST /api/v1/bonds} ({@code name} required) and {@code PATCH
 * /api/v1/bonds/{name}} (only {@code mode} and {@code mtu}). {@code mtu} is read as a tree so that
 * 1.5 or "1400" is a 400 rather than Jackson's silent coercion; every rule on the values is the
 * daemon's.
 */
public record BondBody(String name, String mode, JsonNode mtu, List<String> members) {
}
