import { useEffect, useRef, useState } from 'react';
import { ProblemMessage } from '../../components/problem-message';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { useSession } from '../../session/session';
import { Verification, verifyEvent } from './verify-event';
import './verify.css';

type State =
  | { step: 'idle' }
  | { step: 'running' }
  | { step: 'done'; result: Verification }
  | { step: 'error'; error: unknown };

/**
 * "Verified in your browser" for one journal entry: on request, fetches the entry, its inclusion proof,
 * the latest checkpoint and the ledger's key, checks them all here and says what it found.
 */
export function EventVerification({ position }: { position: number }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [state, setState] = useState<State>({ step: 'idle' });
  const running = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => running.current?.abort(), []);

  const verify = () => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setState({ step: 'running' });
    verifyEvent(api, position, controller.signal).then(
      (result) => !controller.signal.aborted && setState({ step: 'done', result }),
      (error: unknown) => !controller.signal.aborted && setState({ step: 'error', error }),
    );
  };

  return (
    <div className="verification" data-testid={`verification-${position}`}>
      <button
        type="button"
        className="secondary"
        onClick={verify}
        disabled={state.step === 'running'}
        aria-label={t('verify.buttonLabel', { position })}
      >
        {state.step === 'idle' ? t('verify.button') : t('verify.again')}
      </button>
      <div aria-live="polite" className="verification-result">
        {state.step === 'running' && <span className="loading">{t('verify.running')}</span>}
        {state.step === 'error' && <ProblemMessage error={state.error} />}
        {state.step === 'done' && <Result result={state.result} />}
      </div>
    </div>
  );
}

function Result({ result }: { result: Verification }) {
  const { t } = useI18n();
  const badge =
    result.outcome === 'verified' ? (
      <span className="badge ok" data-testid="verification-outcome">
        ✓ {t('verify.verified')}
      </span>
    ) : result.outcome === 'failed' ? (
      <span className="badge bad" data-testid="verification-outcome">
        ✗ {t('verify.failed')}
      </span>
    ) : (
      <span className="badge warn" data-testid="verification-outcome">
        {t('verify.pending')}
      </span>
    );
  const rows: [MessageKey, string | number | undefined][] = [
    ['verify.position', result.position],
    ['verify.leafHash', result.leafHash],
    ['verify.treeSize', result.treeSize],
    ['verify.signedRoot', result.signedRoot],
    ['verify.provenRoot', result.provenRoot],
    ['verify.proofLength', result.proofLength],
    ['verify.key', result.keyName && `${result.keyName} (${result.keyId})`],
  ];
  return (
    <div className={`verification-outcome ${result.outcome}`}>
      <p className="verification-summary">
        {badge}{' '}
        <span data-testid="verification-text" data-reason={result.outcome === 'failed' ? result.reason : ''}>
          {result.outcome === 'verified' && t('verify.verifiedText')}
          {result.outcome === 'pending' && t('verify.pendingText', { size: result.treeSize ?? 0 })}
          {result.outcome === 'failed' && t(`verify.reason.${result.reason}`)}
        </span>
      </p>
      <details>
        <summary>{t('verify.details')}</summary>
        <p className="hint">{t('verify.method')}</p>
        <dl className="verification-details">
          {rows
            .filter(([, value]) => value !== undefined)
            .map(([label, value]) => (
              <div key={label}>
                <dt>{t(label)}</dt>
                <dd>
                  <code>{value}</code>
                </dd>
              </div>
            ))}
          {result.outcome === 'failed' && (
            <div>
              <dt>{t('verify.failed')}</dt>
              <dd>
                <code>{result.message}</code>
              </dd>
            </div>
          )}
        </dl>
        {result.entry !== undefined && (
          <>
            <p className="verification-entry-title">{t('verify.entry')}</p>
            <pre>{JSON.stringify(result.entry, null, 2)}</pre>
          </>
        )}
      </details>
    </div>
  );
}
