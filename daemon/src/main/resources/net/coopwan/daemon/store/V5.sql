-- V5: bandwidth sharing (docs/PROTOCOL.md 3.13). Its totals are kept in emergency_total and
-- emergency_running with roles 'sharer' and 'borrower' (the same start / end / kill -9 bookkeeping);
-- a borrower also counts the sessions it moved onto each sharer.
ALTER TABLE emergency_total ADD COLUMN sessions BIGINT DEFAULT 0 NOT NULL;
-- The borrowers this router's owner stopped lending to: kept, so a restart never lends to them again
-- silently; a row goes when the owner resumes.
CREATE TABLE sharing_stopped (
    peer_id VARCHAR(64) PRIMARY KEY,
    via VARCHAR(16) NOT NULL,
    stopped_at TIMESTAMP WITH TIME ZONE NOT NULL
);
