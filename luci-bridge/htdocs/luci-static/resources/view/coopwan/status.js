'use strict';
'require view';
'require rpc';
'require poll';
'require dom';
'require ui';

// Talks to the rpcd plugin /usr/libexec/rpcd/coopwan (ubus object "coopwan"),
// which asks the daemon over its control socket. Array results come wrapped
// in an object, as ubus requires, hence the "expect" keys.

var callStatus = rpc.declare({
	object: 'coopwan',
	method: 'status'
});

var callUplinks = rpc.declare({
	object: 'coopwan',
	method: 'uplinks',
	expect: { uplinks: [] }
});

var callEvents = rpc.declare({
	object: 'coopwan',
	method: 'events',
	params: [ 'limit' ],
	expect: { events: [] }
});

/* "peers": the discovery status of "nearby" plus the channel, the pending
 * cooperation requests, the agreements and the emergency, in one call (one
 * ctl JVM). */
var callPeers = rpc.declare({
	object: 'coopwan',
	method: 'peers'
});

var callReload = rpc.declare({
	object: 'coopwan',
	method: 'reload'
});

/* The sharer's owner stops lending to a borrower, or lends again (write ACL). */
var callSharingStop = rpc.declare({
	object: 'coopwan',
	method: 'sharing.stop',
	params: [ 'peer', 'via' ]
});

var callSharingResume = rpc.declare({
	object: 'coopwan',
	method: 'sharing.resume',
	params: [ 'peer', 'via' ]
});

/* Events shown under the tables: enough to see why an uplink went down. */
var EVENTS_SHOWN = 10;

/* Seconds between refreshes. Each refresh starts "coopwan ctl" (a JVM) four
 * times on the router through the rpcd plugin, so not LuCI's usual 5 s. */
var POLL_SECONDS = 30;

function formatBytes(n) {
	var units = [ 'B', 'KiB', 'MiB', 'GiB', 'TiB' ];
	var i = 0;
	n = Number(n) || 0;
	while (n >= 1024 && i < units.length - 1) {
		n /= 1024;
		i++;
	}
	return (i == 0 ? String(n) : n.toFixed(1)) + ' ' + units[i];
}

function formatUptime(s) {
	s = Number(s) || 0;
	var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
	    m = Math.floor(s % 3600 / 60), r = s % 60;
	return (d > 0 ? d + 'd ' : '') + (d > 0 || h > 0 ? h + 'h ' : '') + (d > 0 || h > 0 || m > 0 ? m + 'm ' : '') + r + 's';
}

function row(cells, header) {
	return E('tr', { 'class': header ? 'tr table-titles' : 'tr' }, cells.map(function(c) {
		return E(header ? 'th' : 'td', { 'class': header ? 'th' : 'td' }, [ c == null ? '-' : (typeof c == 'object' ? c : String(c)) ]);
	}));
}

return view.extend({
	load: function() {
		return Promise.all([ callStatus(), callUplinks(), callEvents(EVENTS_SHOWN), callPeers() ]);
	},

	renderStatus: function(st) {
		if (!st || st.error)
			return E('div', { 'class': 'alert-message warning' }, [
				_('The coopwan daemon is not reachable: %s').format(st ? st.error : _('no answer'))
			]);

		var rows = [
			[ _('Hostname'), st.hostname ],
			[ _('Role'), st.role ],
			[ _('Version'), st.version ],
			[ _('Uptime'), formatUptime(st.uptimeSeconds) ],
			[ _('Configuration'), st.configFile ],
			[ _('Uplinks up'), st.uplinksUp + ' / ' + st.uplinksTotal ]
		];
		(st.frontEnds || []).forEach(function(fe) {
			rows.push([ _('Front-end'), fe ]);
		});

		return E('table', { 'class': 'table', 'id': 'coopwan-status' }, rows.map(function(r) {
			return E('tr', { 'class': 'tr' }, [
				E('td', { 'class': 'td left', 'width': '33%' }, [ r[0] ]),
				E('td', { 'class': 'td left' }, [ r[1] == null ? '-' : String(r[1]) ])
			]);
		}));
	},

	renderUplinks: function(list) {
		var rows = [ row([ _('Name'), _('Device'), _('State'), _('Received'), _('Sent') ], true) ];
		(list || []).forEach(function(u) {
			var c = u.kernel ? u.kernel.counters : null;
			rows.push(row([ u.name, u.device, u.state,
				c ? formatBytes(c.rxBytes) : null, c ? formatBytes(c.txBytes) : null ]));
		});
		if (rows.length == 1)
			rows.push(E('tr', { 'class': 'tr placeholder' }, [
				E('td', { 'class': 'td' }, [ E('em', {}, [ _('No uplinks configured') ]) ])
			]));
		return E('table', { 'class': 'table', 'id': 'coopwan-uplinks' }, rows);
	},

	/* The routers heard on the peer link (method "nearby", a DiscoveryStatus). */
	renderNearby: function(d) {
		if (!d || d.error)
			return E('em', {}, [ _('Not available: %s').format(d && d.error ? d.error : _('no answer')) ]);
		if (!d.enabled)
			return E('em', { 'id': 'coopwan-peer-off' }, [ _('Cooperation is off (peer.enabled 0)') ]);
		var rows = [ row([ _('Address'), _('Nonce'), _('Willing'), _('Offers'), _('Down'), _('Up'), _('Last seen') ], true) ];
		(d.routers || []).forEach(function(r) {
			rows.push(row([ r.address, r.nonce, r.willing ? _('yes') : _('no'),
				(r.offers || []).length ? r.offers.join(', ') : _('none'), r.downstream, r.upstream,
				String(r.lastSeen || '').replace(/\.\d+Z$/, 'Z') ]));
		});
		if (rows.length == 1)
			rows.push(E('tr', { 'class': 'tr placeholder' }, [
				E('td', { 'class': 'td' }, [ E('em', {}, [ _('No router heard on the peer link') ]) ])
			]));
		return E('div', {}, [
			E('p', {}, [ d.device + ': ' + d.state ]),
			E('table', { 'class': 'table', 'id': 'coopwan-nearby' }, rows)
		]);
	},

	/* Pending requests and agreements (the "pending" and "agreements" of "peers").
	 * Read-only here: approving needs a value per parameter, which the web UI's
	 * form and "coopwan ctl approve" take. */
	renderCooperation: function(d) {
		if (!d || d.error || !d.enabled)
			return E('em', {}, [ _('Cooperation is off or not reachable') ]);
		var typesText = function(types, fmt) {
			return Object.keys(types || {}).sort().map(function(t) {
				var ps = Object.keys(types[t] || {}).sort().map(function(p) { return p + '=' + fmt(types[t][p]); });
				return t + (ps.length ? ' ' + ps.join(', ') : '');
			}).join('; ');
		};
		var pending = [ row([ _('Peer'), _('Received'), _('Offered') ], true) ];
		(d.pending || []).forEach(function(p) {
			pending.push(row([ p.peerId, String(p.receivedAt || '').replace(/\.\d+Z$/, 'Z'),
				typesText(p.offered, function(r) { return r.min + '..' + r.max; }) ]));
		});
		var agreed = [ row([ _('Peer'), _('Role'), _('Enabled'), _('Approved'), _('By') ], true) ];
		(d.agreements || []).forEach(function(a) {
			agreed.push(row([ a.peerId, a.role, typesText(a.enabled, String),
				String(a.approvedAt || '').replace(/\.\d+Z$/, 'Z'), a.approvedBy ]));
		});
		return E('div', {}, [
			pending.length > 1
				? E('table', { 'class': 'table', 'id': 'coopwan-pending' }, pending)
				: E('p', { 'id': 'coopwan-no-pending' }, [ _('No request waits for approval.') ]),
			pending.length > 1
				? E('p', {}, [ _('Approve or reject on the web UI or with: coopwan ctl approve PEER TYPE:PARAM=VALUE,... | coopwan ctl reject PEER') ])
				: '',
			agreed.length > 1
				? E('table', { 'class': 'table', 'id': 'coopwan-agreements' }, agreed)
				: E('p', { 'id': 'coopwan-no-agreements' }, [ _('No agreement.') ])
		]);
	},

	/* The emergency connection (the "emergency" of "peers", an EmergencyStatus):
	 * whether a neighbour carries this router, and the neighbours it carries.
	 * Read-only here: end one on the web UI or with "coopwan ctl emergency end PEER". */
	renderEmergency: function(d) {
		var e = d && !d.error ? d.emergency : null;
		if (!e || !e.requester)
			return E('em', {}, [ _('Not available') ]);
		var time = function(t) { return String(t || '').replace(/\.\d+Z$/, 'Z'); };
		var r = e.requester;
		var own = r.state == 'CARRIED'
			? _('Carried by neighbour %s since %s').format(r.peerId, time(r.since)) + (r.reason ? ' (' + r.reason + ')' : '')
			: _('Own uplink') + (r.state != 'NORMAL' ? ' (' + r.state + (r.peerId ? ' ' + r.peerId : '') + ')' : '');
		var rows = [ row([ _('Neighbour'), _('State'), _('Since'), _('Quota used'), _('Carried'), _('Dropped'), _('Refused packets') ], true) ];
		(e.helping || []).forEach(function(h) {
			rows.push(row([ h.peerId, h.state, time(h.since), h.quotaUsedPercent + ' %', formatBytes(h.bytesCarried),
				formatBytes(h.bytesDropped), h.packetsRefused ]));
		});
		return E('div', {}, [
			E('p', { 'id': 'coopwan-emergency-own' }, [ own ]),
			rows.length > 1
				? E('table', { 'class': 'table', 'id': 'coopwan-emergency-helping' }, rows)
				: E('p', { 'id': 'coopwan-no-helping' }, [ _('This router carries no neighbour\'s traffic.') ]),
			rows.length > 1
				? E('p', {}, [ _('End an emergency on the web UI or with: coopwan ctl emergency end PEER') ])
				: ''
		]);
	},

	/* Bandwidth sharing (the "sharing" of "peers", a SharingStatus): a row per
	 * borrower and per sharer with the kernel's counters, the totals, and a
	 * Stop / Resume lending button per borrower. */
	renderSharing: function(d) {
		var s = d && !d.error ? d.sharing : null;
		if (!s || !s.totals)
			return E('em', {}, [ _('Not available') ]);
		var t = s.totals;
		var pair = function(a, b, f) { return (f ? f(a) : a) + ' / ' + (f ? f(b) : b); };
		var kbps = function(a, b) { return pair(a, b) + ' kbit/s'; };
		var rows = [ row([ _('Neighbour'), _('Role'), _('State'), _('Offer (down / up)'), _('Sessions now'),
			_('Rate now (down / up)'), _('Bytes in all (down / up)'), '' ], true) ];
		(s.lending || []).forEach(L.bind(function(l) {
			var stop = !l.stopped;
			rows.push(row([ l.peerId, _('lending to'), (l.stopped ? 'STOPPED ' : '') + l.state,
				kbps(l.offerDownKbps, l.offerUpKbps), l.sessions, kbps(l.rateDownKbps, l.rateUpKbps),
				pair(l.bytesDown, l.bytesUp, formatBytes),
				E('button', {
					'class': 'cbi-button ' + (stop ? 'cbi-button-negative' : 'cbi-button-positive'),
					'id': 'coopwan-sharing-' + (stop ? 'stop-' : 'resume-') + l.peerId,
					'click': ui.createHandlerFn(this, 'handleLending', l.peerId, stop)
				}, [ stop ? _('Stop lending') : _('Resume lending') ]) ]));
		}, this));
		(s.borrowing || []).forEach(function(b) {
			rows.push(row([ b.peerId, _('borrowing from'), b.state, kbps(b.offerDownKbps, b.offerUpKbps),
				b.sessions + ' (' + b.sessionsMoved + ' ' + _('moved in all') + ')', kbps(b.rateDownKbps, b.rateUpKbps),
				pair(b.bytesDown, b.bytesUp, formatBytes), '' ]));
		});
		return E('div', {}, [
			E('p', { 'id': 'coopwan-sharing-totals' }, [ _('Lent %s down, %s up (%s sessions now); borrowed %s down, %s up (%s sessions now, %s moved in all)')
				.format(formatBytes(t.bytesLentDown), formatBytes(t.bytesLentUp), t.sessionsLent, formatBytes(t.bytesBorrowedDown),
					formatBytes(t.bytesBorrowedUp), t.sessionsBorrowed, t.sessionsMoved) ]),
			rows.length > 1
				? E('table', { 'class': 'table', 'id': 'coopwan-sharing' }, rows)
				: E('p', { 'id': 'coopwan-no-sharing' }, [ _('No neighbour lends to or borrows from this router.') ])
		]);
	},

	/* Latency-critical traffic (the "latency" of "peers", a LatencyStatus):
	 * classification and the connections per rule, duplication on or off and
	 * why with its copy counters, suppression and its ceiling, and the
	 * common-ISP verdict per neighbour. Read-only. Text nodes only: peer ids
	 * and routes come from the network. */
	renderLatency: function(d) {
		var l = d && !d.error ? d.latency : null;
		if (!l || !l.classification || !l.duplication || !l.suppression)
			return E('em', {}, [ _('Not available') ]);
		var c = l.classification, dup = l.duplication, s = l.suppression, isp = l.commonIsp || {};
		var rules = [ row([ _('Classified by'), _('Connections') ], true) ];
		Object.keys(c.connectionsByApp || {}).sort().forEach(function(a) {
			rules.push(row([ _('app %s').format(a), c.connectionsByApp[a] ]));
		});
		rules.push(row([ _('dscp'), c.byDscp ]), row([ _('learned pair'), c.byLearned ]), row([ _('ad hoc rule'), c.byAdHoc ]));
		var demands = Object.keys(s.demands || {}).sort().map(function(who) {
			return (who === '' ? _('this router') : who) + ' ' + s.demands[who] + ' %';
		});
		var counted = Object.keys(s.counters || {}).sort().filter(function(k) { return Number(s.counters[k]) != 0; })
			.map(function(k) { return k + ' ' + s.counters[k]; });
		var ispRows = [ row([ _('Neighbour'), _('Verdict'), _('Common hops'), _('Ratio'), _('LC copies via'),
			_('Suppression requests'), _('Reason') ], true) ];
		(isp.neighbours || []).forEach(function(n) {
			ispRows.push(row([ n.peerId, n.verdict, n.commonSuffix, Number(n.ratio || 0).toFixed(2),
				n.duplicationVia ? _('yes') : _('no'), n.suppressionRequests ? _('yes') : _('no'), n.reason || '-' ]));
		});
		return E('div', {}, [
			E('p', { 'id': 'coopwan-lc-classification' }, [ c.enabled
				? _('Classification on, DSCP rule %s, LC traffic %s; %s LC packets, %s LC sessions now')
					.format(c.dscpRule, c.lcTrafficCurrent ? _('current') : _('not current'), c.lcPackets, c.lcSessions)
				: _('Classification off') ]),
			c.enabled ? E('table', { 'class': 'table', 'id': 'coopwan-lc-rules' }, rules) : '',
			E('p', { 'id': 'coopwan-lc-duplication' }, [ (dup.on ? _('Duplication on') : _('Duplication off'))
				+ (dup.reason ? ': ' + dup.reason : '')
				+ (dup.neighbour ? '; ' + _('neighbour %s').format(dup.neighbour)
					+ (dup.neighbourPathInUse ? ' ' + _('(its path in the bond)') : ' ' + _('(its path not in the bond)')) : '') ]),
			E('p', { 'id': 'coopwan-lc-copies' }, [ _('LC packets sent as copies %s, copies sent %s, delivered %s, duplicates dropped %s, kept off the neighbour: ad hoc %s, over its cap %s')
				.format(dup.lcPackets, dup.copiesSent, dup.delivered, dup.duplicatesDropped, dup.withheldFromNeighbour, dup.overNeighbourCap) ]),
			E('p', { 'id': 'coopwan-lc-suppression' }, [ _('Suppression %s').format(s.state) + (s.reason ? ' (' + s.reason + ')' : '')
				+ (s.enforcedPercent >= 0 ? ', ' + _('enforcing at most %s dropped').format(s.enforcedPercent + ' %') : ', ' + _('nothing enforced'))
				+ '; ' + _('since enforcement began %s packets dropped, %s ECN-marked').format(s.dropped || 0, s.ecnMarked || 0) ]),
			demands.length ? E('p', { 'id': 'coopwan-lc-demands' }, [ _('Demanded by') + ' ' + demands.join(', ') ]) : '',
			counted.length ? E('p', { 'id': 'coopwan-lc-counters' }, [ _('Counted') + ': ' + counted.join(', ') ]) : '',
			E('p', { 'id': 'coopwan-lc-isp' }, [ isp.enabled
				? _('Common-ISP detection on, %s, gate %s').format(isp.target ? _('target %s').format(isp.target) : _('no target'),
					isp.gate ? _('on') : _('off'))
				: _('Common-ISP detection off') ]),
			ispRows.length > 1 ? E('table', { 'class': 'table', 'id': 'coopwan-lc-isp-table' }, ispRows) : ''
		]);
	},

	/* Stop (or resume) lending to PEER; the daemon's refusal is shown as it is. */
	handleLending: function(peer, stop, ev) {
		return (stop ? callSharingStop : callSharingResume)(peer, 'luci').then(function(r) {
			var ok = r && !r.error;
			ui.addNotification(null, E('p', {}, [ ok
				? (stop ? _('Lending to %s stopped: it is offered nothing until resumed.') : _('Lending to %s resumed.')).format(peer)
				: (r ? r.error : _('no answer')) ]), ok ? 'info' : 'warning');
		});
	},

	renderEvents: function(list) {
		var rows = [ row([ _('Time'), _('Source'), _('Message') ], true) ];
		(list || []).forEach(function(e) {
			rows.push(row([ String(e.time || '').replace(/\.\d+Z$/, 'Z'), e.source, e.message ]));
		});
		return E('table', { 'class': 'table', 'id': 'coopwan-events' }, rows);
	},

	handleReload: function(ev) {
		return callReload().then(function(r) {
			var ok = r && r.applied;
			ui.addNotification(null, E('p', {}, [ r ? (r.message || r.error) : _('no answer') ]), ok ? 'info' : 'warning');
		});
	},

	render: function(data) {
		var status = E('div', {}, [ this.renderStatus(data[0]) ]);
		var uplinks = E('div', {}, [ this.renderUplinks(data[1]) ]);
		var events = E('div', {}, [ this.renderEvents(data[2]) ]);
		var nearby = E('div', {}, [ this.renderNearby(data[3]) ]);
		var cooperation = E('div', {}, [ this.renderCooperation(data[3]) ]);
		var emergency = E('div', {}, [ this.renderEmergency(data[3]) ]);
		var sharing = E('div', {}, [ this.renderSharing(data[3]) ]);
		var latency = E('div', {}, [ this.renderLatency(data[3]) ]);

		poll.add(L.bind(function() {
			return Promise.all([ callStatus(), callUplinks(), callEvents(EVENTS_SHOWN), callPeers() ]).then(L.bind(function(d) {
				dom.content(status, this.renderStatus(d[0]));
				dom.content(uplinks, this.renderUplinks(d[1]));
				dom.content(events, this.renderEvents(d[2]));
				dom.content(nearby, this.renderNearby(d[3]));
				dom.content(cooperation, this.renderCooperation(d[3]));
				dom.content(emergency, this.renderEmergency(d[3]));
				dom.content(sharing, this.renderSharing(d[3]));
				dom.content(latency, this.renderLatency(d[3]));
			}, this));
		}, this), POLL_SECONDS);

		return E('div', { 'class': 'cbi-map' }, [
			E('h2', {}, [ _('coopwan') ]),
			E('div', { 'class': 'cbi-section' }, [ status ]),
			E('h3', {}, [ _('Uplinks') ]),
			E('div', { 'class': 'cbi-section' }, [ uplinks ]),
			E('h3', {}, [ _('Nearby routers') ]),
			E('div', { 'class': 'cbi-section' }, [ nearby ]),
			E('h3', {}, [ _('Cooperation requests and agreements') ]),
			E('div', { 'class': 'cbi-section' }, [ cooperation ]),
			E('h3', {}, [ _('Emergency connection') ]),
			E('div', { 'class': 'cbi-section' }, [ emergency ]),
			E('h3', {}, [ _('Bandwidth sharing') ]),
			E('div', { 'class': 'cbi-section' }, [ sharing ]),
			E('h3', {}, [ _('Latency-critical traffic') ]),
			E('div', { 'class': 'cbi-section' }, [ latency ]),
			E('h3', {}, [ _('Recent events') ]),
			E('div', { 'class': 'cbi-section' }, [ events ]),
			E('div', { 'class': 'cbi-page-actions' }, [
				E('button', {
					'class': 'cbi-button cbi-button-action',
					'click': ui.createHandlerFn(this, 'handleReload')
				}, [ _('Reload configuration') ])
			])
		]);
	},

	handleSaveApply: null,
	handleSave: null,
	handleReset: null
});
