package net.coopwan.daemon.coop.agreement;

/** Who approved an agreement: the helper's owner and the front-end used, or (on the requester) the peer's response. */
public enum Approver {
    OWNER_WEB("owner via web"),
    OWNER_CLI("owner via cli"),
    OWNER_SNMP("owner via snmp"),
    OWNER_LUCI("owner via luci"),
    /** Recorded on the requester: the helper's owner approved, we only saw the response. */
    PEER_RESPONSE("helper's owner, by response");

    private final String label;

    Approver(String label) {
        this.label = label;
    }

    /** Text shown to the owner and written to the event log. */
    public String label() {
        return label;
    }
}
