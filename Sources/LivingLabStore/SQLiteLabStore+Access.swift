import Foundation
import GRDB
import LivingLabCore

extension SQLiteLabStore {
    public func addAccessToken(_ token: AccessToken, secretHash: String, actor: String) throws(LabError) {
        try token.validate()
        try write(changesTrials: false) { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM accessToken WHERE id = ?", arguments: [token.id]) == true {
                throw LabError.conflict("A token with id \(token.id) already exists: create another.")
            }
            try db.execute(sql: """
                INSERT INTO accessToken (id, role, subject, secretHash, createdAt, expiresAt, kind)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [token.id, token.role.rawValue, token.subject, secretHash, token.createdAt.milliseconds,
                                 token.expiresAt?.milliseconds, token.kind.rawValue])
            var details: [String: JSONValue] = ["role": .string(token.role.rawValue)]
            if token.kind != .api { details["kind"] = .string(token.kind.rawValue) }
            if let expiresAt = token.expiresAt { details["expiresAt"] = .string(Timestamp.format(expiresAt)) }
            try audit(db, actor: actor, action: "token.create", subjects: [token.id] + (token.subject.map { [$0] } ?? []),
                      details: .object(details))
        }
    }

    public func accessTokens() throws(LabError) -> [AccessToken] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM accessToken ORDER BY createdAt DESC, id").map(Self.accessToken)
        }
    }

    public func accessToken(id: String) throws(LabError) -> (token: AccessToken, secretHash: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accessToken WHERE id = ?", arguments: [id]).map {
                (Self.accessToken($0), $0["secretHash"] as String)
            }
        }
    }

    public func revokeAccessToken(id: String, actor: String) throws(LabError) -> AccessToken {
        try write(changesTrials: false) { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM accessToken WHERE id = ?", arguments: [id]) else {
                throw LabError.notFound("There is no token \(id): `livinglab token list` shows the tokens.")
            }
            var token = Self.accessToken(row)
            guard token.revokedAt == nil else { return token }
            let at = now()
            try db.execute(sql: "UPDATE accessToken SET revokedAt = ? WHERE id = ?", arguments: [at.milliseconds, id])
            try audit(db, actor: actor, action: "token.revoke", subjects: [id])
            token.revokedAt = at
            return token
        }
    }

    public func markLinkOpened(id: String, actor: String) throws(LabError) -> Bool {
        try write(changesTrials: false) { db in
            try db.execute(sql: "UPDATE accessToken SET usedAt = ? WHERE id = ? AND kind = 'link' AND usedAt IS NULL",
                           arguments: [now().milliseconds, id])
            guard db.changesCount == 1 else { return false }
            try audit(db, actor: actor, action: "token.link-opened", subjects: [id])
            return true
        }
    }

    public func noteAccessTokenUse(id: String, at date: Date) throws(LabError) {
        try write(changesTrials: false) { db in
            let last = try Int64?.fetchOne(db, sql: "SELECT lastUsedAt FROM accessToken WHERE id = ?", arguments: [id]) ?? nil
            try db.execute(sql: "UPDATE accessToken SET lastUsedAt = ? WHERE id = ?", arguments: [date.milliseconds, id])
            let hour: Int64 = 3_600_000
            if last.map({ $0 / hour != date.milliseconds / hour }) ?? true {
                try audit(db, actor: "token \(id)", action: "token.use", subjects: [id])
            }
        }
    }

    static func accessToken(_ row: Row) -> AccessToken {
        AccessToken(id: row["id"], role: LabRole(rawValue: row["role"]) ?? .merchant, subject: row["subject"],
                    createdAt: Date(milliseconds: row["createdAt"]),
                    expiresAt: (row["expiresAt"] as Int64?).map(Date.init(milliseconds:)),
                    revokedAt: (row["revokedAt"] as Int64?).map(Date.init(milliseconds:)),
                    lastUsedAt: (row["lastUsedAt"] as Int64?).map(Date.init(milliseconds:)),
                    kind: AccessToken.Kind(rawValue: row["kind"]) ?? .api,
                    usedAt: (row["usedAt"] as Int64?).map(Date.init(milliseconds:)))
    }
}

// MARK: - Responses kept for replay

extension SQLiteLabStore {
    /// The response stored for a caller's idempotency key, if any.
    public func storedResponse(caller: String, key: String) throws(LabError) -> StoredResponse? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM replayedResponse WHERE caller = ? AND key = ?", arguments: [caller, key]).map { row in
                StoredResponse(caller: row["caller"], key: row["key"], requestSHA256: row["requestSHA256"], status: row["status"],
                               contentType: row["contentType"], body: [UInt8](row["body"] as Data), at: Date(milliseconds: row["at"]))
            }
        }
    }

    /// Stores a response unless one is kept for its caller and key, and forgets those older than a day.
    public func storeResponse(_ response: StoredResponse) throws(LabError) {
        try write(changesTrials: false) { db in
            try db.execute(sql: "DELETE FROM replayedResponse WHERE at < ?",
                           arguments: [response.at.addingTimeInterval(-StoredResponse.retention).milliseconds])
            try db.execute(sql: """
                INSERT OR IGNORE INTO replayedResponse (caller, key, requestSHA256, status, contentType, body, at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [response.caller, response.key, response.requestSHA256, response.status, response.contentType,
                                  Data(response.body), response.at.roundedToMilliseconds.milliseconds])
        }
    }
}

