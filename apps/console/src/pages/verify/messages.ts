import { defineMessages } from '../../i18n/define-messages';

export const verifyMessages = defineMessages({
  zh: {
    'verify.title': '在浏览器中验证',
    'verify.button': '在浏览器中验证',
    'verify.buttonLabel': '在浏览器中验证第 {position} 号记录',
    'verify.again': '重新验证',
    'verify.running': '正在验证…',
    'verify.verified': '已验证',
    'verify.failed': '验证失败',
    'verify.pending': '尚待签名',
    'verify.verifiedText':
      '本浏览器已重新计算该记录的叶哈希，并用包含证明推出的根哈希与账本公钥签名的检查点一致。',
    'verify.pendingText':
      '该记录晚于最新签名的检查点（树大小 {size}），暂无可验证的签名根；账本发布下一个检查点后可再验证。',
    'verify.reason.leafHashMismatch': '叶哈希不一致：按 RFC 8785 规范化后重新计算的叶哈希与账本给出的不同。',
    'verify.reason.wrongEntry': '账本返回的不是所请求位置的记录。',
    'verify.reason.proofForOtherLeaf': '包含证明针对的是另一条记录或另一棵树。',
    'verify.reason.malformedProof': '包含证明格式错误（长度或哈希不符合 RFC 9162）。',
    'verify.reason.rootMismatch': '根哈希不一致：包含证明推出的根哈希与签名检查点中的根哈希不同。',
    'verify.reason.badSignature': '签名无效：检查点的 Ed25519 签名未能通过账本公钥验证。',
    'verify.reason.wrongKeyId': '密钥标识不符：签名所用的密钥标识不是账本公布的密钥。',
    'verify.reason.noSignature': '检查点上没有账本密钥的签名。',
    'verify.reason.wrongOrigin': '检查点属于另一个日志。',
    'verify.reason.malformedKey': '账本公布的验证密钥格式错误。',
    'verify.reason.malformedCheckpoint': '检查点不是有效的签名说明（C2SP signed note）。',
    'verify.details': '验证细节',
    'verify.position': '日志位置',
    'verify.leafHash': '叶哈希（本地计算）',
    'verify.treeSize': '检查点树大小',
    'verify.signedRoot': '签名根哈希',
    'verify.provenRoot': '证明推出的根哈希',
    'verify.proofLength': '证明哈希个数',
    'verify.key': '验证密钥',
    'verify.entry': '日志记录（原文）',
    'verify.method':
      '叶哈希 = SHA-256(0x00 ‖ JCS(记录))；包含证明按 RFC 9162 §2.1.3.2 验证；检查点签名用 Ed25519 与 GET /v1/log/key 公布的密钥验证。全部计算在本浏览器中进行。',
  },
  en: {
    'verify.title': 'Verified in your browser',
    'verify.button': 'Verify in your browser',
    'verify.buttonLabel': 'Verify entry {position} in your browser',
    'verify.again': 'Verify again',
    'verify.running': 'Verifying…',
    'verify.verified': 'Verified',
    'verify.failed': 'Verification failed',
    'verify.pending': 'Awaiting a checkpoint',
    'verify.verifiedText':
      'This browser recomputed the entry’s leaf hash, and its inclusion proof leads to the root of a checkpoint signed with the ledger’s key.',
    'verify.pendingText':
      'The entry is newer than the latest signed checkpoint (tree size {size}): there is no signed root to prove it against yet. Verify again once the ledger signs the next one.',
    'verify.reason.leafHashMismatch':
      'Leaf hash mismatch: the hash recomputed from the entry’s RFC 8785 form differs from the ledger’s.',
    'verify.reason.wrongEntry': 'The ledger answered another position’s entry.',
    'verify.reason.proofForOtherLeaf': 'The inclusion proof is for another entry or another tree.',
    'verify.reason.malformedProof':
      'The inclusion proof is malformed (length or hashes do not fit RFC 9162).',
    'verify.reason.rootMismatch':
      'Root mismatch: the inclusion proof leads to a root other than the signed checkpoint’s.',
    'verify.reason.badSignature':
      'Bad signature: the checkpoint’s Ed25519 signature does not verify with the ledger’s key.',
    'verify.reason.wrongKeyId':
      'Wrong key id: the signature names a key other than the ledger’s published key.',
    'verify.reason.noSignature': 'The checkpoint carries no signature by the ledger’s key.',
    'verify.reason.wrongOrigin': 'The checkpoint is another log’s.',
    'verify.reason.malformedKey': 'The ledger’s published verifier key is malformed.',
    'verify.reason.malformedCheckpoint': 'The checkpoint is not a valid C2SP signed note.',
    'verify.details': 'Verification details',
    'verify.position': 'Log position',
    'verify.leafHash': 'Leaf hash (computed here)',
    'verify.treeSize': 'Checkpoint tree size',
    'verify.signedRoot': 'Signed root hash',
    'verify.provenRoot': 'Root from the proof',
    'verify.proofLength': 'Hashes in the proof',
    'verify.key': 'Verifier key',
    'verify.entry': 'Log entry (as recorded)',
    'verify.method':
      'Leaf hash = SHA-256(0x00 ‖ JCS(entry)); the inclusion proof is checked per RFC 9162 §2.1.3.2; the checkpoint’s Ed25519 signature with the key GET /v1/log/key publishes. All computed in this browser.',
  },
});
