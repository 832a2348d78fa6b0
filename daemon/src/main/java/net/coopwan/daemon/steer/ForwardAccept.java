package net.coopwan.daemon.steer;

/**
 * Accept forwarded packets from {@code inInterface} to {@code outInterface} in our own forward
 * chain. See {@link NatRules} for why this cannot override a drop in the host's firewall.
 *
 * @param inInterface  the interface packets arrive on
 * @param outInterface the interface they leave through
 */
public record ForwardAccept(String inInterface, String outInterface) {

    public ForwardAccept {
        InterfaceNames.require(inInterface);
        InterfaceNames.require(outInterface);
    }
}
