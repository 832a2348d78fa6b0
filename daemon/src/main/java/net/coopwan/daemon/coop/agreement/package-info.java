/**
 * The cooperation handshake (issue 5, capabilities 2-4; seed 001 FIG. 3A, [0111]-[0118]): logic
 * and records only, no transport.
 *
 * <p>The <em>requester</em> advertises an {@link net.coopwan.daemon.coop.agreement.Offer} (the
 * cooperation types of its enabled {@code offer} sections, each with a range per parameter). The
 * <em>helper</em>'s owner sees it as an {@link net.coopwan.daemon.coop.agreement.ApprovalRequest}
 * and answers with an {@link net.coopwan.daemon.coop.agreement.OwnerDecision}: approve a subset
 * with one value per parameter, or reject. An approval becomes a
 * {@link net.coopwan.daemon.coop.agreement.Response} to the requester and an
 * {@link net.coopwan.daemon.coop.agreement.Agreement} ("enabled cooperation types", [0115]) on
 * both sides once the requester has checked the response against what it advertised. Every later
 * {@link net.coopwan.daemon.coop.agreement.CooperationRequest} is checked against the agreement.
 *
 * <p>All rules live in {@link net.coopwan.daemon.coop.agreement.AgreementRules}; a failed rule
 * is a {@link net.coopwan.daemon.coop.agreement.Rejection} with a
 * {@link net.coopwan.daemon.coop.agreement.RejectReason}. Persistence is
 * {@code net.coopwan.daemon.store.AgreementStore} (the store package owns the connection and the
 * schema). Roles are named (requester/helper), never "A"/"B": claims 43-62 of the seed swap the
 * letters. Rules and reasons: {@code docs/PROTOCOL.md}, section 2.
 */
package net.coopwan.daemon.coop.agreement;
