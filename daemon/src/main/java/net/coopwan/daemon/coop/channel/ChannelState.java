package net.coopwan.daemon.coop.channel;

/** The channel with one paired peer. */
public enum ChannelState {
    /** No session: the initiator sends HELLO_INIT with backoff, the responder waits for one. */
    CONNECTING,
    /** A session whose keys both sides proved (a sealed packet verified); keep-alives flow. */
    ESTABLISHED
}
