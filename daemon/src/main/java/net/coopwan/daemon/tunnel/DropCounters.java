package net.coopwan.daemon.tunnel;

import net.coopwan.daemon.counters.EnumCounters;

/** One counter per {@link TunnelDrop}; safe to bump from several receive threads. */
public final class DropCounters extends EnumCounters<TunnelDrop> {
    public DropCounters() {
        super(TunnelDrop.class);
    }
}
