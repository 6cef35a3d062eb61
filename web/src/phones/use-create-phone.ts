import { useMutation } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { graphql } from '../gql';
import type { PhoneInput } from '../gql/graphql';

const CreatePhoneMutation = graphql(`
  mutation CreatePhone($input: PhoneInput!) {
    createPhone(input: $input) {
      id
      ...PhoneRow_phone
    }
  }
`);

/** Adds a caller phone number. Cache: appended to the cached `phones` list (if loaded). */
export function useCreatePhone() {
  const [mutate, state] = useMutation(CreatePhoneMutation, {
    update(cache, { data }) {
      const phone = data?.createPhone;
      if (!phone) return;
      cache.modify<{ phones: Reference[] }>({
        fields: {
          phones(existing, { toReference, readField }) {
            const list = existing as Reference[];
            if (list.some((ref) => readField('id', ref) === phone.id)) return list;
            const ref = toReference(phone);
            return ref ? [...list, ref] : list;
          },
        },
      });
    },
  });
  const run = async (input: PhoneInput) => {
    const { data } = await mutate({ variables: { input } });
    if (!data) throw new Error('The API returned no phone');
    return data.createPhone;
  };
  return [run, state] as const;
}
