// The portal's HTML forms, one zod schema each (read by web/forms.ts parseForm, which turns zod's
// issues into the dictionary's messages). The JSON API's bodies are portal-api.schema.ts.
import { z } from 'zod';
import { emailField, newPasswordField, optionalField, passwordField, requiredField } from '../web/forms.ts';

export const signInForm = z.object({ login: requiredField(), password: passwordField });

export const signUpForm = z.object({
  email: emailField,
  password: newPasswordField,
  firstName: optionalField(100),
  lastName: optionalField(100),
  code: optionalField(200),
});

export const forgotPasswordForm = z.object({ email: emailField });

export const resetPasswordForm = z.object({ password: newPasswordField });
