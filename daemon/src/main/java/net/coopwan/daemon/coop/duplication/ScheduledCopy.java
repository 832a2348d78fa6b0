package net.coopwan.daemon.coop.duplication;

/**
 * One copy of an LC packet: copy {@code index} of those on {@code path}, leaving
 * {@code offsetNanos} after the packet arrived.
 */
public record ScheduledCopy(int path, int index, long offsetNanos) {
}
