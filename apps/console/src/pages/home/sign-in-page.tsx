import { FormEvent, useId, useState } from 'react';
import { ProblemMessage } from '../../components/problem-message';
import { useI18n } from '../../i18n/i18n';
import { href, Link, navigate } from '../../router';
import { useSession } from '../../session/session';

export function SignInPage({ returnTo }: { returnTo?: string }) {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const tokenId = useId();
  const hintId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() === '') {
      setError(new Error(t('signIn.empty')));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token);
      navigate(returnTo ?? href());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="sign-in-title" className="narrow">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor={tokenId}>{t('signIn.token')}</label>
        <input
          id={tokenId}
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={hintId}
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <p id={hintId} className="hint">
          {t('signIn.tokenHint')}
        </p>
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
      <ProblemMessage error={error} />
      <p>
        <Link to={href('public', 'open-list')}>{t('signIn.publicPages')}</Link>
      </p>
    </section>
  );
}
