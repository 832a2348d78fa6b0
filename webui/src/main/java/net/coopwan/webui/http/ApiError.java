package net.coopwan.webui.http;

/** The JSON body of every API error: {@code {"error":"..."}}. */
public record ApiError(String error) {
}
