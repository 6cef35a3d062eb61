import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { CapInputs, readCaps, SUGGESTED_CAPS } from '../settings/frequency-caps';
import { toFormErrors } from '../shell/errors';
import type { FormErrors } from '../shell/errors';
import { useSession } from './session.context';
import { useSignIn } from './use-sign-in';
import { useSignUp } from './use-sign-up';

const NO_ERRORS: FormErrors = { fields: {}, form: null };

/** Sign in, or create an organization (mode `sign-up`). */
export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const id = useId();
  const { notice } = useSession();
  const [signIn, signInState] = useSignIn();
  const [signUp, signUpState] = useSignUp();
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const busy = signInState.loading || signUpState.loading;
  const isSignUp = mode === 'sign-up';

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const organizationName = String(form.get('organizationName') ?? '').trim();
    const fields: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) fields['email'] = 'Enter an email address, like you@company.com.';
    if (isSignUp && password.length < 8) fields['password'] = 'Use at least 8 characters.';
    if (!password) fields['password'] = 'Enter your password.';
    if (isSignUp && !organizationName) fields['organizationName'] = 'Name your organization.';
    // The caps' errors are keyed as the server names them (`settings.<field>`).
    const caps = readCaps(form, 'settings.');
    if (isSignUp) Object.assign(fields, caps.errors);
    if (Object.keys(fields).length > 0) {
      setErrors({ fields, form: null });
      return;
    }
    setErrors(NO_ERRORS);
    try {
      if (isSignUp) await signUp({ email, password, organizationName, settings: caps.settings });
      else await signIn(email, password);
    } catch (error) {
      setErrors(toFormErrors(error));
    }
  };

  const field = (name: string, label: string, type: string, autoComplete: string) => {
    const error = errors.fields[name];
    return (
      <div className="field">
        <label htmlFor={`${id}-${name}`}>{label}</label>
        <input
          id={`${id}-${name}`}
          name={name}
          type={type}
          autoComplete={autoComplete}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-${name}-error` : undefined}
        />
        {error && (
          <p className="field-error" id={`${id}-${name}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };

  return (
    <main className="auth">
      <div className="auth-card card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Dialwave
        </div>
        <h1>{isSignUp ? 'Create your workspace' : 'Sign in'}</h1>
        <p className="muted">
          {isSignUp ? 'Run outbound call campaigns and watch them live.' : 'Welcome back. Your campaigns are waiting.'}
        </p>
        {notice && !isSignUp && (
          <p className="notice notice-warning" role="status">
            {notice}
          </p>
        )}
        <form onSubmit={onSubmit} noValidate>
          {isSignUp && field('organizationName', 'Organization', 'text', 'organization')}
          {field('email', 'Email', 'email', 'email')}
          {field('password', 'Password', 'password', isSignUp ? 'new-password' : 'current-password')}
          {isSignUp && (
            <fieldset className="form-section">
              <legend>Call frequency caps</legend>
              <p className="field-hint">
                How often one number may be called across all your campaigns. Suggested values; clear a field for no
                cap. You can change them later in Settings.
              </p>
              <CapInputs id={id} defaults={SUGGESTED_CAPS} errors={errors.fields} prefix="settings." />
            </fieldset>
          )}
          {errors.form && (
            <p className="form-error" role="alert">
              {errors.form}
            </p>
          )}
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? 'Please wait…' : isSignUp ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p className="auth-switch">
          {isSignUp ? (
            <>
              Already have an account? <Link to="/sign-in">Sign in</Link>
            </>
          ) : (
            <>
              New to Dialwave? <Link to="/sign-up">Create an account</Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}
