import { ApiProblem } from '../api/client';
import { useI18n } from '../i18n/i18n';

/**
 * A refusal or failure in words: the server's own explanation (its `detail`, which says what to do),
 * the field errors, and the stable code for a support request. Announced to screen readers.
 */
export function ProblemMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (error === undefined || error === null) return null;
  const problem =
    error instanceof ApiProblem ? error : new ApiProblem(0, 'ClientError', String(error), String(error));
  const summary = summaryOf(problem, t);
  return (
    <div className="problem" role="alert" data-testid="problem" data-code={problem.code}>
      <strong>{t('problem.title')}</strong>
      {summary && <p>{summary}</p>}
      {problem.detail && problem.detail !== summary && <p>{problem.detail}</p>}
      {problem.errors.length > 0 && (
        <>
          <p>{t('problem.fields')}</p>
          <ul>
            {problem.errors.map((fieldError) => (
              <li key={`${fieldError.field}:${fieldError.message}`}>
                <code>{fieldError.field}</code>: {fieldError.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="problem-code">{t('problem.code', { code: problem.code })}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

function summaryOf(problem: ApiProblem, t: ReturnType<typeof useI18n>['t']): string | undefined {
  switch (problem.status) {
    case 0:
      return problem.code === 'Unreachable' ? t('problem.unreachable') : undefined;
    case 401:
      return t('problem.unauthorized');
    case 403:
      return t('problem.forbidden');
    case 429:
      return t('problem.rateLimited', { seconds: problem.retryAfterSeconds ?? 1 });
    case 503:
      return t('problem.unavailable');
    default:
      return problem.title || undefined;
  }
}
