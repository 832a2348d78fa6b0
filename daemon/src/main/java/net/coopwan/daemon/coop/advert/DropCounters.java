package net.coopwan.daemon.coop.advert;

import net.coopwan.daemon.counters.EnumCounters;


/** Thread-safe count of dropped adverts per {@link DropReason}. */
public final class DropCounters extends EnumCounters<DropReason> {

    public DropCounters() {
        super(DropReason.class);
    }

    public void count(AdvertFormatException e) {
        count(e.reason());
    }
}
